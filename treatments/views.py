from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from clinic.models import ClinicProfile
from clinic.page_cache import cache_public_page
from treatments.models import FAQ, Treatment, TreatmentImage


@cache_public_page
def treatment_list(request):
    treatments = Treatment.objects.published()
    return render(request, "treatments/treatment_list.html", {"treatments": treatments})


@cache_public_page
def treatment_detail(request, slug: str):
    treatments = Treatment.objects.visible_to(request.user).prefetch_related(
        "sections",
        Prefetch("faqs", queryset=FAQ.objects.order_by("position", "id")),
        Prefetch("images", queryset=TreatmentImage.objects.order_by("position", "id")),
    )
    treatment = get_object_or_404(treatments, slug=slug)
    return render(
        request,
        "treatments/treatment_detail.html",
        {
            "treatment": treatment,
            "sections": treatment.ordered_sections(),
            "treatment_data": treatment.structured_data(ClinicProfile.load()),
        },
    )
