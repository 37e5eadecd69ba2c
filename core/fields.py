"""Model fields for sensitive values: encrypted at rest, never filtered or ordered by mistake.

An encrypted column holds a different ciphertext for every write, so a database filter or ORDER BY
on it silently returns nothing or sorts noise. These fields therefore refuse every lookup except
`isnull` and refuse to order a query, each with an error that says why. Workflow columns (state,
dates, agency, kind) stay plain and scoped; identifiers that must be matched exactly are kept as a
keyed hash in a BlindIndexField beside (or instead of) the encrypted value.
"""
import json

from django import forms
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from core import crypto


class EncryptedFieldMisuse(FieldError):
    """A query tried to filter, transform or order by an encrypted field."""


class EncryptedMixin:
    # Lookups that do not compare the stored text.
    allowed_lookups = frozenset({"isnull"})

    def __init__(self, *args, **kwargs):
        for option in ("unique", "db_index", "primary_key"):
            if kwargs.get(option):
                raise ImproperlyConfigured(
                    f"An encrypted field cannot be {option}: equal values encrypt differently. "
                    "Keep a BlindIndexField beside it for exact matches."
                )
        super().__init__(*args, **kwargs)

    def get_internal_type(self):
        return "TextField"

    def encode(self, value):
        return value

    def decode(self, text):
        return text

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.decode(crypto.decrypt(value))

    def get_prep_value(self, value):
        if value is None:
            return None
        return crypto.encrypt(self.encode(value))

    def get_lookup(self, lookup_name):
        if lookup_name in self.allowed_lookups:
            return super().get_lookup(lookup_name)
        raise EncryptedFieldMisuse(
            f"{self.model.__name__}.{self.name} is encrypted: it cannot be filtered with "
            f"'{lookup_name}'. Filter on a plain column, or on a blind index for exact matches."
        )

    def get_transform(self, lookup_name):
        raise EncryptedFieldMisuse(
            f"{self.model.__name__}.{self.name} is encrypted: '{lookup_name}' cannot apply to it.")

    def value_to_string(self, obj):
        # Serialisation (dumpdata) would otherwise write the plaintext out of the database.
        raise EncryptedFieldMisuse(f"{self.model.__name__}.{self.name} is encrypted and is not serialised.")


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Free text such as a note or a summary."""

    def to_python(self, value):
        return value if value is None or isinstance(value, str) else str(value)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """Small structured values (a list of answers, a contact card)."""

    def encode(self, value):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)

    def decode(self, text):
        return json.loads(text)

    def to_python(self, value):
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})


class BlindIndexField(models.CharField):
    """The keyed hash of an identifier (core.crypto.blind_index): exact matches only."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)


def encrypted_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedMixin)]


def _columns(expression):
    yield expression
    for source in expression.get_source_expressions():
        if source is not None:
            yield from _columns(source)


def refuse_ordering_by_encrypted_fields():
    """Make ORDER BY on an encrypted column an error, wherever it comes from (order_by, Meta.ordering,
    an admin list, F().asc()). Django offers no per-field hook for ordering, so the compiler's
    ORDER BY list is checked once it is built."""
    from django.db.models.sql.compiler import SQLCompiler

    if getattr(SQLCompiler.get_order_by, "refuses_encrypted", False):
        return
    original = SQLCompiler.get_order_by

    def get_order_by(self):
        result = original(self)
        for expression, _ in result:
            for node in _columns(expression):
                target = getattr(node, "target", None)
                if isinstance(target, EncryptedMixin):
                    raise EncryptedFieldMisuse(
                        f"{target.model.__name__}.{target.name} is encrypted: results cannot be ordered by it."
                    )
        return result

    get_order_by.refuses_encrypted = True
    SQLCompiler.get_order_by = get_order_by
