"""Building the document's examples answers real requests in-process: nothing they would log is logged."""

import io
import json
import logging

from service.web.document import request_body

FEEDBACK = "/cds-services/{service_id}/feedback"


def test_the_example_requests_leave_no_log_lines(make_client):
    client = make_client()  # its document is built at the first GET of it
    handler = logging.getLogger("service").handlers[0]
    previous = handler.setStream(stream := io.StringIO())
    try:
        doc = client.get("/openapi.json").get_json()
        body = request_body(doc, doc["paths"][FEEDBACK]["post"])  # the example's own request, sent for real
        sent = client.post(
            FEEDBACK.format(service_id="sciatica-patient-view"), data=body, content_type="application/json"
        )
    finally:
        handler.setStream(previous)
    assert sent.status_code == 200
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines if line["logger"] == "service.cds"] == ["cds feedback"]  # the real one
    assert any(line.get("route") == "/openapi.json" for line in lines)
