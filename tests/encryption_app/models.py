from django.db import models

from clinic.encryption import EncryptedDateField, EncryptedTextField


class LabResult(models.Model):
    """Health data in a model the product has never heard of."""

    note = EncryptedTextField()
    taken_on = EncryptedDateField(null=True)
    label = models.CharField(max_length=40, blank=True)  # not health data: left alone

    def __str__(self) -> str:
        return self.label
