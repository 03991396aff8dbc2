"""Read-only admin views of the vault: files are added through the services, and nothing is deleted."""

from django.contrib import admin

from casereview.records.models import CaseRecord, CaseRecordFile, RecordsSecured


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecordsSecured)
class RecordsSecuredAdmin(ReadOnlyAdmin):
    list_display = ["review", "agency", "secured_on", "recorded_by", "recorded_at"]
    list_filter = ["review__board"]


class CaseRecordFileInline(admin.TabularInline):
    model = CaseRecordFile
    extra = 0
    can_delete = False
    fields = readonly_fields = ["version", "name", "kind", "size", "sha256", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CaseRecord)
class CaseRecordAdmin(ReadOnlyAdmin):
    list_display = ["title", "review", "agency", "created_at"]
    list_filter = ["review__board"]
    search_fields = ["title", "review__reference"]
    inlines = [CaseRecordFileInline]
