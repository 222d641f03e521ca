"""The resources: one flask-smorest blueprint per resource, and what they publish, built once at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from service.api import (
    bundle,
    factors,
    handout_pages,
    handouts,
    health,
    illustrations,
    medicines,
    problem_pages,
    questionnaire,
    recommendations,
    red_flags,
    reference,
    releases,
    root,
    safety,
    sources,
    tips,
    treatments,
)
from service.api.document import finisher
from service.api.ehr import cds_hooks, fhir, infobutton
from service.api.state import KEY, FhirIndex, State
from service.ehr.fetch import Fetcher
from service.ehr.loader import load_codes
from service.ehr.lookup import MedicineIndex
from service.engine import Engine
from service.engine.models import KnowledgeBase
from service.schemas.recommendations_presenter import Presenter
from service.web.catalog import Catalog
from service.web.ehr_auth import from_config
from service.web.limits import RateLimits
from service.web.problems import ProblemApi
from service.web.security import ApiKeys

BLUEPRINTS = (  # in display order (Swagger UI's sections)
    root.blp,
    health.blp,
    treatments.blp,
    illustrations.blp,
    handouts.blp,
    tips.blp,
    red_flags.blp,
    factors.blp,
    medicines.blp,
    questionnaire.blp,
    recommendations.blp,
    sources.blp,
    reference.blp,
    bundle.blp,
    releases.blp,
    safety.blp,
    infobutton.blp,
    cds_hooks.blp,
    fhir.blp,
    problem_pages.blp,
)
PUBLISHERS = (  # each adds its resource's representations to the catalog
    treatments.publish,
    illustrations.publish,
    tips.publish,
    red_flags.publish,
    factors.publish,
    questionnaire.publish,
    sources.publish,
    reference.publish,
    safety.publish,
    infobutton.publish,
    releases.publish,
    bundle.publish,  # last: it gathers the representations the others published
)


def build_state(config: Mapping[str, Any], kb: KnowledgeBase, keys: ApiKeys, limits: RateLimits) -> State:
    """Everything the resources read, built once: a defect (a code map that disagrees with the knowledge, a bad
    JWKS) stops start-up here."""
    catalog = Catalog(kb, int(config["CACHE_MAX_AGE"]))
    for publish in PUBLISHERS:
        publish(catalog)
    base = str(config["FHIR_CANONICAL_BASE"]).rstrip("/")
    fhir_index = FhirIndex(fhir.publish(catalog, base), base)
    codes = load_codes(kb)
    lookup = MedicineIndex.build(codes)
    engine = Engine(kb, lookup.classes)
    return State(
        kb=kb,
        engine=engine,
        catalog=catalog,
        presenter=Presenter(engine, catalog),
        codes=codes,
        medicines=lookup,
        fhir=fhir_index,
        handouts=handout_pages.build(kb),
        ehr_auth=from_config(config),
        fetcher=Fetcher.from_config(config),
        keys=keys,
        limits=limits,
    )


def register_blueprints(app: Flask, api: ProblemApi, built: State) -> None:
    """Put the state where `state()` reads it, and register every resource's blueprint."""
    app.extensions[KEY] = built
    api.known_paths.extend(built.catalog.paths)  # path parameter values for the document's examples
    api.spec.finishers.insert(0, finisher(built.kb, built.medicines))  # before the examples are taken
    app.url_map.converters["fhir_rest"] = fhir.Rest
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
    app.register_blueprint(root.assets)
