"""What the resources read while answering, built once by the factory (service/app.py) and read through `state()`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app

from service.api.handout_pages import Page
from service.ehr.codes import CodeMap
from service.ehr.fetch import Fetcher
from service.ehr.lookup import MedicineIndex
from service.engine import Engine
from service.engine.models import KnowledgeBase
from service.schemas.recommendations_presenter import Presenter
from service.web.catalog import Catalog
from service.web.ehr_auth import CdsAuth
from service.web.limits import RateLimits
from service.web.security import ApiKeys

KEY = "sciatica"  # app.extensions key


@dataclass(frozen=True)
class FhirIndex:
    """The FHIR resources the catalog holds: their ids per type, and their canonical base URL."""

    ids: Mapping[str, tuple[str, ...]]
    base: str


@dataclass(frozen=True)
class State:
    """Built before the first request, never changed: content is fixed per content version."""

    kb: KnowledgeBase
    engine: Engine  # the knowledge prepared for recommend() in every language
    catalog: Catalog  # every content representation, serialised per language
    presenter: Presenter  # writes recommendation answers from parts prepared per language
    codes: CodeMap  # EHR code maps (ICD-10-CM, SNOMED CT, RxNorm), checked against the knowledge
    medicines: MedicineIndex  # the code map's medicine names, brands and RxNorm codes (GET /v1/medicines)
    fhir: FhirIndex
    handouts: Mapping[tuple[str, str], Page]  # (page, language) -> the rendered handout
    ehr_auth: CdsAuth | None  # the EHR's JWT verifier; None unless issuers are configured
    fetcher: Fetcher | None  # fetches what the EHR did not prefetch; None unless FHIR servers are configured
    keys: ApiKeys  # the configured API keys (EHR routes accept one instead of a JWT)
    limits: RateLimits  # the rate limits every path counts against


def state() -> State:
    """The app's state (inside a request or app context)."""
    return current_app.extensions[KEY]
