from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from casereview.accounts.models import Agency, ApiToken, Board, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["board", "agency", "review"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "job_title", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "job_title"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    filter_horizontal = []
    list_filter = ["is_active", "is_staff"]


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "board"]
    list_filter = ["board", "kind"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "board", "agency", "review"]
    list_filter = ["role", "board"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "board", "agency", "review"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "last_used_at"]
