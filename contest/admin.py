from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from contest.models import Category, Contest, ContestRole, Group, Institution, Stage, Subject, User


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
