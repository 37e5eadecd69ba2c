"""The employee's forms: answering a survey, and the suggestion mailbox."""
from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.answering import MAX_TEXT, SCALE
from surveys.models import QuestionKind

MAX_SUGGESTION = 4000


def field_name(question):
    return f"q{question.pk}"


class AnswerForm(forms.Form):
    """One field per question: scale as 1–5 radios, choices as radios or checkboxes, text as a
    text area. The service (answering.submit_response) checks every answer again."""

    def __init__(self, *args, survey, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.questions = list(questions)
        for question in self.questions:
            self.fields[field_name(question)] = self._field_for(question)
        if survey.invite_follow_up and not survey.anonymous:
            self.fields["follow_up"] = forms.BooleanField(
                label=_("You may contact me for a conversation about my answers."), required=False,
                help_text=_("Only if you wish: someone will ask you, in confidence, what could be better."))

    @staticmethod
    def _field_for(question):
        common = {"label": question.text, "required": question.required}
        if question.kind == QuestionKind.SCALE:
            return forms.TypedChoiceField(
                choices=[(n, str(n)) for n in SCALE], coerce=int, widget=forms.RadioSelect,
                help_text=_("1 = very dissatisfied or strongly disagree, 5 = very satisfied or strongly agree"),
                **common)
        if question.kind == QuestionKind.SINGLE:
            return forms.TypedChoiceField(choices=list(enumerate(question.choices)), coerce=int,
                                          widget=forms.RadioSelect, **common)
        if question.kind == QuestionKind.MULTIPLE:
            return forms.TypedMultipleChoiceField(choices=list(enumerate(question.choices)), coerce=int,
                                                  widget=forms.CheckboxSelectMultiple, **common)
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT, **common)

    def answers(self):
        """{question id: value} for answering.submit_response."""
        return {question.pk: self.cleaned_data.get(field_name(question)) for question in self.questions}

    def add_service_errors(self, error):
        """Place the service's errors (keyed by question id) on the matching fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            name = f"q{key}" if key.isdigit() and f"q{key}" in self.fields else None
            for message in messages:
                self.add_error(name, message)


class SuggestionForm(forms.Form):
    text = forms.CharField(label=_("Your suggestion for next year"), max_length=MAX_SUGGESTION,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("What would help you and your colleagues? Courses, services, anything."))
    named = forms.BooleanField(
        label=_("Sign it with my name"), required=False,
        help_text=_("Leave this unticked to send it without your name: then nobody can know it came from you."))
