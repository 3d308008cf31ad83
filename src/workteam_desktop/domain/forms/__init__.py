"""Forms as data (信息采集): definitions read from JSON files, and the engine that shows,
validates and cleans the answers. Pure Python: the store applies submissions, the GUI
renders any definition.
"""

from .conditions import Condition, ConditionError, evaluate, parse_condition, referenced_fields
from .definition import (
    FIELD_TYPES,
    Choice,
    FieldDef,
    FormDef,
    FormDefinitionError,
    GroupDef,
    SectionDef,
    Text,
    find_forms,
    form_version,
    latest_form,
    load_form,
    parse_form,
)
from .engine import (
    ITEM_ID,
    FormCheck,
    FormInvalid,
    check_form,
    clean,
    derived_values,
    is_blank,
    item_path,
    read_value,
    validate,
    visible_paths,
)
from .messages import FormProblem, ProblemLike

HOUSEHOLD_SURVEY = "household_survey"
"""The id of the household information form (信息采集表)."""

__all__ = [
    "FIELD_TYPES", "HOUSEHOLD_SURVEY", "ITEM_ID", "Choice", "Condition", "ConditionError",
    "FieldDef", "FormCheck", "FormDef", "FormDefinitionError", "FormInvalid", "FormProblem",
    "GroupDef", "ProblemLike", "SectionDef", "Text", "check_form", "clean", "derived_values",
    "evaluate", "find_forms", "form_version", "is_blank", "item_path", "latest_form",
    "load_form", "parse_condition", "parse_form", "read_value", "referenced_fields",
    "validate", "visible_paths",
]
