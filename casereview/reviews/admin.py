from django.contrib import admin

from casereview.reviews.models import DeadlineRule, Person, Place, Review, ReviewType, StageChange


class DeadlineRuleInline(admin.TabularInline):
    model = DeadlineRule
    extra = 0


@admin.register(ReviewType)
class ReviewTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [DeadlineRuleInline]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_stage", "to_stage", "changed_by", "changed_at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Read-only: reviews change through the workspace, where the stage guards and the audit trail apply."""

    list_display = ["reference", "board", "review_type", "subject_pseudonym", "stage", "referred_on"]
    list_filter = ["board", "stage", "review_type"]
    search_fields = ["reference", "subject_pseudonym"]
    inlines = [StageChangeInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["pseudonym", "relationship", "review"]
    list_filter = ["review__board"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["pseudonym", "kind", "review"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
