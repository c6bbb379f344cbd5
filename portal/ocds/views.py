"""The public OCDS release packages: one per public tender, and one of them all."""
from flask import Blueprint, Response, request

from . import releases

bp = Blueprint("ocds", __name__)


@bp.route("/ocds/releases.json")
def all_releases():
    return json_response(releases.all_public_package())


@bp.route("/ocds/<ocid>.json")
def tender_package(ocid):
    return json_response(releases.tender_package(releases.public_tender(ocid)))


def json_response(package):
    """The package as JSON that any site may fetch; caches ask again each time and get 304 while it is unchanged."""
    response = Response(releases.dumps(package), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.no_cache = True
    response.add_etag()
    return response.make_conditional(request)
