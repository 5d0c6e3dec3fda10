"""What one dataset row is, and how a completed review and the scored record of its claim make one.

A row is one labelled claim: its id (a random uuid, pseudonymous), the 13 model inputs exactly as
the inference gateway sent them to the model (feature-order.json: the claim's amountMinor, then the
Features record), the model version and route that scored it, the label and where it came from,
the claim's segments and the times. Every column is copied from a schema path listed in COPIED,
which is checked against the schemas' pii marks when this module loads.
"""
import json
import uuid
from pathlib import Path

import pyarrow as pa

import schemas

FEATURE_ORDER_FILE = Path(__file__).resolve().parents[1] / "models" / "feature-order.json"
FEATURES = json.loads(FEATURE_ORDER_FILE.read_text())["features"]
FEATURE_PATHS = {f["name"]: f"{f['from']}.{f['name']}" for f in FEATURES}

# As infra/models/training_data.py names them: RISK reviews are labels a rule asked for (biased
# towards risky claims), AUDIT_SAMPLE ones are drawn at random from the claims the rules settled.
LABEL_SOURCE = {"RISK": "reviewed", "AUDIT_SAMPLE": "audit-sample"}
# A reviewer who rejects the claim judges it fraudulent.
FRAUD = {"REJECT": 1, "APPROVE": 0}

SCORED_SCHEMA = schemas.value_schema("ClaimScored")
REVIEW_SCHEMA = schemas.value_schema("ReviewCompleted")

# column -> the field of ClaimScored it is copied from
COPIED = {
    "claimId": "claimId",
    **FEATURE_PATHS,
    "featureSetVersion": "featureSetVersion",
    "modelName": "model.name",
    "modelVersion": "model.version",
    "route": "route",
    "product": "claim.product",
    "region": "claim.region",
    "channel": "claim.channel",
    "claimSubmittedAt": "claim.timestamps.submittedAt",
    "scoredAt": "timestamps.scoredAt",
    "scoredEventId": "eventId",
}
# column -> the field of ReviewCompleted it comes from
FROM_REVIEW = {"fraud": "outcome", "labelSource": "selection", "labelledAt": "completedAt", "reviewEventId": "eventId"}


def _refuse_pii():
    for schema, paths in ((SCORED_SCHEMA, COPIED.values()), (REVIEW_SCHEMA, FROM_REVIEW.values())):
        personal = set(paths) & set(schemas.pii_paths(schema))
        if personal:
            raise SystemExit(f"[dataset] refusing to copy fields marked pii into the dataset: {sorted(personal)}")


_refuse_pii()

TIMESTAMP = pa.timestamp("ms", tz="UTC")
ARROW_TYPES = {"int": pa.int32(), "long": pa.int64(), "double": pa.float64(), "boolean": pa.bool_()}


def _feature_type(path):
    avro_type = schemas.field_type(SCORED_SCHEMA, path)
    return ARROW_TYPES[avro_type if isinstance(avro_type, str) else avro_type["type"]]


ARROW_SCHEMA = pa.schema(
    [
        pa.field("claimId", pa.string(), nullable=False),
        *[pa.field(name, _feature_type(path), nullable=False) for name, path in FEATURE_PATHS.items()],
        pa.field("featureSetVersion", pa.string()),
        pa.field("modelName", pa.string()),
        pa.field("modelVersion", pa.string()),
        pa.field("route", pa.string()),
        pa.field("fraud", pa.int8(), nullable=False),
        pa.field("labelSource", pa.string(), nullable=False),
        pa.field("product", pa.string()),
        pa.field("region", pa.string()),
        pa.field("channel", pa.string()),
        pa.field("claimSubmittedAt", TIMESTAMP),
        pa.field("scoredAt", TIMESTAMP),
        pa.field("labelledAt", TIMESTAMP, nullable=False),
        pa.field("scoredEventId", pa.string()),
        pa.field("reviewEventId", pa.string()),
    ]
)


def _get(record, path):
    for name in path.split("."):
        record = record[name]
    return record


def _plain(value):
    """uuid logical types decode as uuid.UUID; the dataset keeps them as text."""
    return str(value) if isinstance(value, uuid.UUID) else value


def first_review(reviews):
    """The verdict that labels a claim reviewed more than once: the earliest completed (then the
    smallest event id, for a tie). It is the one the decision service made the claim's final
    decision from, and a row once written is never replaced, so the same claim keeps the same
    label in every dataset a model is later trained on."""
    return min(reviews, key=lambda review: (review["completedAt"], str(review["eventId"])))


def scoring_of(review, scored_records):
    """The scored record the reviewed decision was made from, or (None, why).

    A claim may have been scored more than once (an at-least-once redelivery, or a rescore after
    a gateway restart with another routing). The review carries the stage times of the decision
    it answers, so its scoredAt names the scoring the decision used."""
    if not scored_records:
        return None, "missing-scored-record"
    scored_at = review["timestamps"]["scoredAt"]
    matching = [s for s in scored_records if scored_at is None or s["timestamps"]["scoredAt"] == scored_at]
    if not matching:
        return None, "no-scored-record-at-reviews-scoredAt"
    distinct = {json.dumps([_plain(_get(s, p)) for p in COPIED.values()], default=str): s for s in matching}
    if len(distinct) > 1:
        return None, "ambiguous-scored-records"
    return next(iter(distinct.values())), None


def row(scored, review):
    """The dataset row of a claim (a dict of ARROW_SCHEMA's columns)."""
    values = {column: _plain(_get(scored, path)) for column, path in COPIED.items()}
    values.update(
        fraud=FRAUD[review["outcome"]],
        labelSource=LABEL_SOURCE[review["selection"]],
        labelledAt=review["completedAt"],
        reviewEventId=str(review["eventId"]),
    )
    return values
