"""Screening questions per treatment: who may reword them, who may change their rules."""

from functools import partial

from django.contrib import admin
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from booking.models import ScreeningQuestion


@admin.register(ScreeningQuestion)
class ScreeningQuestionAdmin(TranslationAdmin):
    """Questions per treatment. Editors may reword them; only those who may add questions
    (the manager) may change what an answer does."""

    list_display = [
        "text",
        "treatment",
        "kind",
        "outcome",
        "waiting_days",
        "position",
        "is_active",
    ]
    list_editable = ["position", "is_active"]
    list_filter = ["treatment", "outcome", "kind", "is_active"]
    search_fields = ["text"]
    list_select_related = ["treatment"]
    ordering = ["treatment", "position", "id"]
    fieldsets = [
        (None, {"fields": ["treatment", "text", "help_text", "public_label"]}),
        (
            _("What the answer does"),
            {
                "fields": [
                    "kind",
                    "trigger_answer",
                    "outcome",
                    "waiting_days",
                    "instruction",
                    "patient_message",
                ]
            },
        ),
        (_("Follow-up question"), {"fields": [("parent", "parent_answer")]}),
        (None, {"fields": ["position", "is_active"]}),
    ]
    rule_fields = [
        "treatment",
        "kind",
        "trigger_answer",
        "outcome",
        "waiting_days",
        "parent",
        "parent_answer",
        "is_active",
    ]

    def may_edit_rules(self, request) -> bool:
        return request.user.has_perm("booking.add_screeningquestion")

    def get_readonly_fields(self, request, obj=None):
        return [] if self.may_edit_rules(request) else self.rule_fields

    def _list_editable(self, request):
        return self.list_editable if self.may_edit_rules(request) else ["position"]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.list_editable = self._list_editable(request)
        return changelist

    def get_changelist_formset(self, request, **kwargs):
        defaults = {"formfield_callback": partial(self.formfield_for_dbfield, request=request)}
        return modelformset_factory(
            self.model,
            self.get_changelist_form(request),
            extra=0,
            fields=self._list_editable(request),
            **{**defaults, **kwargs},
        )
