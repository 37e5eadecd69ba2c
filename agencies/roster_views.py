"""The roster import pages: upload, preview (row errors or what would change), commit, progress.
The work is in agencies.roster.jobs; these views only check the request and show the state."""
import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies import access
from agencies.access import ROSTER_IMPORTERS
from agencies.decorators import role_required
from agencies.models import Agency, ImportState, RosterImport
from agencies.models.roster import field_label
from agencies.roster import jobs
from agencies.roster.columns import COLUMNS
from agencies.roster_forms import RosterUploadForm

ERRORS_PER_PAGE = 100


@require_http_methods(["GET", "POST"])
@role_required(*ROSTER_IMPORTERS)
def import_list(request):
    form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            roster_import = jobs.start_import(
                agency=form.cleaned_data["agency"], data=upload.read(), file_name=upload.name, by=request.user,
                is_full=form.cleaned_data["is_full"], encoding=form.cleaned_data["encoding"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("roster_import_detail", pk=roster_import.pk)
    imports = RosterImport.objects.visible_to(request.user).select_related("agency", "uploaded_by")
    page = Paginator(imports, 20).get_page(request.GET.get("page"))
    return render(request, "agencies/roster_imports.html", {"form": form, "page": page})


@require_safe
@role_required(*ROSTER_IMPORTERS)
def import_detail(request, pk):
    roster_import = get_object_or_404(RosterImport.objects.visible_to(request.user).select_related(
        "agency", "uploaded_by", "committed_by"), pk=pk)
    errors = Paginator(roster_import.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    preview = dict(roster_import.preview)
    preview["updated"] = [[line, number, name, [field_label(field) for field in fields]]
                          for line, number, name, fields in preview.get("updated", [])]
    roster_import.preview = preview
    return render(request, "agencies/roster_import.html", {
        "roster_import": roster_import, "errors": errors, "done_rows": jobs.live_progress(roster_import),
        "States": ImportState,
    })


@require_POST
@role_required(*ROSTER_IMPORTERS)
def import_commit(request, pk):
    roster_import = get_object_or_404(RosterImport.objects.visible_to(request.user), pk=pk)
    try:
        jobs.commit_import(roster_import, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        raise
    return redirect("roster_import_detail", pk=pk)


@require_POST
@role_required(*ROSTER_IMPORTERS)
def import_discard(request, pk):
    roster_import = get_object_or_404(RosterImport.objects.visible_to(request.user), pk=pk)
    jobs.discard_import(roster_import, by=request.user)
    messages.info(request, _("The import was discarded: nothing was changed."))
    return redirect("roster_imports")


@require_safe
@role_required(*ROSTER_IMPORTERS)
def import_errors_csv(request, pk):
    roster_import = get_object_or_404(RosterImport.objects.visible_to(request.user), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-import-{roster_import.pk}-errors.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with the byte-order mark
    writer = csv.writer(response)
    writer.writerow([_("Line"), _("Column"), _("Reason")])
    writer.writerows(roster_import.errors)
    return response


@require_safe
@role_required(*ROSTER_IMPORTERS)
def import_template(request):
    """An empty roster file with every column the import reads, in Chinese, and one example row."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="roster-template.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([column.aliases[0] for column in COLUMNS])
    agency = access.agencies_importable_by(request.user, Agency.objects.order_by("depth", "pk")).first()
    writer.writerow(["A000123", "王小明", "", agency.code if agency else "",
                     "綜合企劃科", "科員", "公務人員", "委任", "5", "否", "A000100",
                     "男", "0750312", "1080801", "", "", "wang@example.gov.tw", "07-1234567"])
    return response
