from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from contest.models import (
    Attachment,
    Category,
    CoAuthor,
    Contest,
    ContestRole,
    Group,
    Institution,
    Stage,
    Subject,
    User,
    VideoAsset,
    Work,
    WorkEvent,
)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "city"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "city"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "real_name", "institution", "email_verified_at", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "real_name", "phone"]
    autocomplete_fields = ["institution"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["real_name", "phone", "institution", "language"]}),
        (
            _("Status"),
            {
                "fields": [
                    "email_verified_at",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "real_name", "password1", "password2"]}),
    ]


class RoleInline(admin.TabularInline):
    model = ContestRole
    autocomplete_fields = ["user"]
    extra = 0


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "year", "phase", "submission_closes_at"]
    list_filter = ["phase", "year"]
    search_fields = ["title", "slug"]
    inlines = [RoleInline, CategoryInline]


@admin.register(ContestRole)
class ContestRoleAdmin(admin.ModelAdmin):
    list_display = ["contest", "user", "role", "created_at"]
    list_filter = ["role", "contest"]
    autocomplete_fields = ["user", "contest"]


@admin.register(Group, Subject, Stage)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "contest", "order"]
    list_filter = ["contest"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "contest", "group", "subject", "stage"]
    list_filter = ["contest"]
    search_fields = ["name", "code"]


class CoAuthorInline(admin.TabularInline):
    model = CoAuthor
    extra = 0


class WorkEventInline(admin.TabularInline):
    model = WorkEvent
    extra = 0
    can_delete = False
    readonly_fields = ["actor", "from_status", "to_status", "reason", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the screening pages, which keep the history."""

    list_display = ["anonymous_code", "title", "contest", "category", "entrant", "status"]
    list_filter = ["status", "contest"]
    search_fields = ["anonymous_code", "title", "entrant__real_name", "entrant__email"]
    readonly_fields = ["anonymous_code", "status", "status_reason", "submitted_at"]
    autocomplete_fields = ["entrant"]
    inlines = [CoAuthorInline, WorkEventInline]


class MediaAdmin(admin.ModelAdmin):
    list_display = ["uuid", "work", "state", "error_code", "is_current", "size", "created_at"]
    list_filter = ["state", "is_current"]
    search_fields = ["uuid", "work__anonymous_code", "sha256"]
    readonly_fields = ["uuid", "file", "size", "sha256", "created_at", "processed_at"]


admin.site.register(VideoAsset, MediaAdmin)
admin.site.register(Attachment, MediaAdmin)
