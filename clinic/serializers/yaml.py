"""Django's yaml serializer, with health data kept encrypted (see __init__)."""

from django.core.serializers import pyyaml

from clinic.serializers import KeepsHealthDataEncrypted, LoadsEncryptedHealthData


class Serializer(KeepsHealthDataEncrypted, pyyaml.Serializer):
    pass


class Deserializer(LoadsEncryptedHealthData, pyyaml.Deserializer):
    pass
