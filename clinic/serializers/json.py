"""Django's json serializer, with health data kept encrypted (see __init__)."""

from django.core.serializers import json

from clinic.serializers import KeepsHealthDataEncrypted, LoadsEncryptedHealthData


class Serializer(KeepsHealthDataEncrypted, json.Serializer):
    pass


class Deserializer(LoadsEncryptedHealthData, json.Deserializer):
    pass
