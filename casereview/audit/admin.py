from django.contrib import admin

from casereview.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["sequence", "at", "actor", "action", "object_type", "object_id", "review"]
    list_filter = ["action", "board"]
    search_fields = ["object_id", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
