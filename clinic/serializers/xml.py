"""Django's XML serializer, with health data kept encrypted (see __init__).

The XML serializer writes every field through `value_to_string()`, which gives
the ciphertext already; the deserializer decrypts each encrypted field first.
"""

from django.core.serializers import xml_serializer

from clinic.encryption import encrypted_field_names
from clinic.serializers import model_named, plain_value

Serializer = xml_serializer.Serializer


class Deserializer(xml_serializer.Deserializer):
    def _handle_object(self, node):
        model = model_named(node.getAttribute("model"))
        encrypted = encrypted_field_names(model) if model is not None else set()
        for field_node in node.getElementsByTagName("field"):
            name = field_node.getAttribute("name")
            if name not in encrypted or field_node.getElementsByTagName("None"):
                continue
            plain = plain_value(model, name, xml_serializer.getInnerText(field_node).strip())
            for child in list(field_node.childNodes):
                field_node.removeChild(child)
            field_node.appendChild(node.ownerDocument.createTextNode(plain))
        return super()._handle_object(node)
