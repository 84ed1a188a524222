"""Django's python serializer, with health data kept encrypted (see __init__)."""

from django.core.serializers import python

from clinic.serializers import KeepsHealthDataEncrypted, LoadsEncryptedHealthData


class Serializer(KeepsHealthDataEncrypted, python.Serializer):
    pass


class Deserializer(LoadsEncryptedHealthData, python.Deserializer):
    pass
