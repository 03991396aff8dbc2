from django.urls import path

from casereview.chronology import views

app_name = "chronology"

# -- Agency chronologies ----------------------------------------------------------------------------------------
AGENCY = "reviews/<int:pk>/chronology/agencies/<int:agency_pk>/"
urlpatterns = [
    path("reviews/<int:pk>/chronology/agencies/", views.chronologies, name="agencies"),
    path(AGENCY, views.agency_chronology, name="agency"),
    path(f"{AGENCY}versions/new/", views.version_start, name="version-new"),
    path(f"{AGENCY}submit/", views.chronology_submit, name="submit"),
    path(f"{AGENCY}entries/new/", views.entry_edit, name="entry-new"),
    path(f"{AGENCY}entries/<int:entry_pk>/", views.entry_edit, name="entry"),
    path(f"{AGENCY}entries/<int:entry_pk>/remove/", views.entry_remove, name="entry-remove"),
]

# -- Integrated chronology --------------------------------------------------------------------------------------
INTEGRATED = "reviews/<int:pk>/chronology/"
urlpatterns += [
    path(INTEGRATED, views.integrated, name="integrated"),
    path(f"{INTEGRATED}timeline/", views.timeline, name="timeline"),
    path(f"{INTEGRATED}export/", views.integrated_export, name="integrated-export"),
    path(f"{INTEGRATED}versions/<int:version_pk>/export/", views.version_export, name="version-export"),
    path(f"{INTEGRATED}integrated/entries/<int:entry_pk>/same-as/<int:other_pk>/", views.pair, name="pair"),
    path(f"{INTEGRATED}integrated/entries/<int:entry_pk>/note/", views.annotation, name="annotation"),
]

# -- Imports ------------------------------------------------------------------------------------------------------
IMPORT = "reviews/<int:pk>/chronology/imports/<int:import_pk>/"
urlpatterns += [
    path("chronology/import-template.xlsx", views.import_template, name="import-template"),
    path(f"{AGENCY}import/", views.import_upload, name="import"),
    path(f"{IMPORT}columns/", views.import_columns, name="import-columns"),
    path(IMPORT, views.import_check, name="import-check"),
    path(f"{IMPORT}progress/", views.import_progress, name="import-progress"),
    path(f"{IMPORT}done/", views.import_result, name="import-result"),
]
