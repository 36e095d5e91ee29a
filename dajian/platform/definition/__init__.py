"""The app document: its model, its JSON Schema, and validation with paths."""

from dajian.platform.definition.model import AppDefinition, RoleDef, RolePermission
from dajian.platform.definition.upgrade import upgrade_definition
from dajian.platform.definition.validate import app_schema, parse_definition, validate_definition

__all__ = [
    "AppDefinition",
    "RoleDef",
    "RolePermission",
    "app_schema",
    "parse_definition",
    "upgrade_definition",
    "validate_definition",
]
