from django.contrib import admin

from judging.models import (
    Assignment,
    AuthorFlag,
    ChiefJudge,
    Conflict,
    Criterion,
    Invitation,
    PanelMember,
    Round,
    Rubric,
    ScoreRevision,
    ScoreSheet,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["name", "contest", "created_at"]
    list_filter = ["contest"]
    inlines = [CriterionInline]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "contest", "order", "state", "opens_at", "closes_at"]
    list_filter = ["contest", "state"]


@admin.register(PanelMember)
class PanelMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "contest", "max_load", "is_chief", "active"]
    list_filter = ["contest", "is_chief"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "contest", "created_at", "accepted_at"]
    list_filter = ["contest"]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["judge", "work", "source", "created_at"]
    list_filter = ["source", "contest"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Read-only: assignments change through the assignment pages, which keep the rules."""

    list_display = ["round", "work", "judge", "state"]
    list_filter = ["round", "state"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RevisionInline(admin.TabularInline):
    model = ScoreRevision
    extra = 0
    can_delete = False
    readonly_fields = ["number", "author", "action", "values", "total", "reason", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScoreSheet)
class ScoreSheetAdmin(admin.ModelAdmin):
    list_display = ["assignment", "state", "total", "version"]
    readonly_fields = ["assignment", "state", "total", "version", "submitted_at"]
    inlines = [RevisionInline]


admin.site.register(ChiefJudge)
admin.site.register(AuthorFlag)
