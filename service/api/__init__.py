"""The HTTP layer: one flask-smorest blueprint per resource, registered in display order."""

from __future__ import annotations

from flask import Flask

from service.api import (
    factors,
    handouts,
    health,
    questionnaire,
    recommendations,
    red_flags,
    reference,
    root,
    safety,
    sources,
    tips,
    treatments,
)
from service.api.ehr import cds_hooks, fhir, infobutton
from service.web.catalog import Catalog
from service.web.problems import ProblemApi

MODULES = (
    root,
    health,
    treatments,
    handouts,
    tips,
    red_flags,
    factors,
    questionnaire,
    recommendations,
    sources,
    reference,
    safety,
    infobutton,
    cds_hooks,
    fhir,
)


def register_blueprints(app: Flask, api: ProblemApi, cat: Catalog) -> None:
    """Register every resource's blueprint and pre-serialise its content."""
    for module in MODULES:
        api.register_blueprint(module.blp)
        publish = getattr(module, "publish", None)
        if publish:
            publish(cat)
    app.register_blueprint(root.assets)
