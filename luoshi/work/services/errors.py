"""The task engine's refusals: the shared errors of `luoshi.errors`, under the names the engine's
callers know them by (pages and the API map them, once each)."""

from __future__ import annotations

from luoshi.errors import Conflict as Conflict
from luoshi.errors import ImplausibleReport as ImplausibleReport
from luoshi.errors import InvalidField as InvalidField
from luoshi.errors import LuoshiError, NotAllowed

ServiceError = LuoshiError
PermissionDenied = NotAllowed
