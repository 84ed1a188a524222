"""Django's jsonl serializer, with health data kept encrypted (see __init__)."""

from django.core.serializers import jsonl

from clinic.serializers import KeepsHealthDataEncrypted, LoadsEncryptedHealthData


class Serializer(KeepsHealthDataEncrypted, jsonl.Serializer):
    pass


class Deserializer(LoadsEncryptedHealthData, jsonl.Deserializer):
    pass
