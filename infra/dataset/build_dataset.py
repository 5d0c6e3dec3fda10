"""The training dataset job: joins every completed review with the exact features, model version and
route its claim was scored with, and adds one row per newly labelled claim to a Parquet dataset
partitioned by the label's day.

usage: python build_dataset.py [--dataset DIR] [--bootstrap-servers HOSTS] [--registry-url URL]
                               [--reviews-topic T] [--scored-topic T]

It reads reviews.completed.v1 and then claims.scored.v1 whole, each up to the end it had when the
job began (topic_reader.py), decoding with the schema registry and reader schemas that leave out
every field marked pii (avro_values.py, schemas.py). For each claim with a review and no row yet:
the first verdict is its label (rows.first_review), the scored record that decision was made from
gives its features and model (rows.scoring_of), and the row goes to <DIR>/day=<label day>/
(dataset_store.py). Rows already there are never written again, so running it again, or after the
topics were replayed or their records produced again, adds nothing twice.

A record that cannot be decoded, or a review whose scored record is missing or ambiguous, is
counted, named in the report and left out: it never stops the job. Such a review is looked at again
by the next run. The report is printed as one JSON line on stdout (the progress goes to stderr).
Exit status: 0 when it ran, even with bad records; 1 when it could not run (Kafka or the registry
unreachable, a topic missing, another run holding the dataset).
"""
import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import avro_values
import dataset_store
import rows
import topic_reader

ROOT = Path(__file__).resolve().parents[2]
# How many claim ids per problem the report names; the counts are always whole.
EXAMPLES = 20


def log(message):
    print(f"[dataset] {message}", file=sys.stderr, flush=True)


class Report:
    def __init__(self):
        self.counts = Counter()
        self.problems = defaultdict(Counter)  # topic -> problem -> count
        self.examples = defaultdict(list)  # problem -> claim ids or topic/partition@offset

    def problem(self, topic, problem, example):
        self.problems[topic][problem] += 1
        if len(self.examples[problem]) < EXAMPLES:
            self.examples[problem].append(example)

    def as_dict(self, **extra):
        return {**extra, **self.counts, "problems": {t: dict(p) for t, p in self.problems.items()},
                "examples": dict(self.examples)}


def decoded(records, decoder, report):
    """(message, value) of each record that decodes; the others are counted in the report."""
    for message in records:
        try:
            yield message, decoder.decode(message.value())
        except avro_values.UndecodableValue as error:
            report.problem(decoder.topic, error.problem, f"{message.topic()}/{message.partition()}@{message.offset()}")


def key_matches(message, value, report):
    """A record whose Kafka key is not its claimId would join to the wrong claim."""
    if message.key() is not None and message.key() != str(value["claimId"]).encode():
        report.problem(message.topic(), "key-is-not-claimId", f"{message.topic()}/{message.partition()}@{message.offset()}")
        return False
    return True


def main(args):
    started = time.time()
    report = Report()
    registry = avro_values.registry_client(args.registry_url)
    with dataset_store.locked(args.dataset):
        present = dataset_store.claim_ids(args.dataset)
        log(f"{len(present)} claims already in {args.dataset}")

        reviews = defaultdict(list)
        review_decoder = avro_values.ValueDecoder(registry, args.reviews_topic, "ReviewCompleted")
        for message, review in decoded(topic_reader.read_to_end(args.bootstrap_servers, args.reviews_topic),
                                       review_decoder, report):
            report.counts["reviews_read"] += 1
            if key_matches(message, review, report):
                reviews[str(review["claimId"])].append(review)
        labelled = {claim: rows.first_review(found) for claim, found in reviews.items()}
        wanted = {claim: review for claim, review in labelled.items() if claim not in present}
        report.counts["claims_reviewed"] = len(labelled)
        report.counts["claims_already_in_dataset"] = len(labelled) - len(wanted)
        log(f"{report.counts['reviews_read']} reviews of {len(labelled)} claims, {len(wanted)} not in the dataset yet")

        scored = defaultdict(list)
        if wanted:
            scored_decoder = avro_values.ValueDecoder(registry, args.scored_topic, "ClaimScored")
            keys = {claim.encode() for claim in wanted}
            for message, value in decoded(topic_reader.read_to_end(args.bootstrap_servers, args.scored_topic, keys),
                                          scored_decoder, report):
                claim = str(value["claimId"])
                if claim in wanted and key_matches(message, value, report):
                    scored[claim].append(value)

        new_rows = []
        for claim, review in sorted(wanted.items()):
            scoring, why = rows.scoring_of(review, scored.get(claim, []))
            if scoring is None:
                report.problem(args.reviews_topic, why, claim)
                continue
            new_rows.append(rows.row(scoring, review))
        written = dataset_store.write(args.dataset, new_rows)

    report.counts["rows_written"] = sum(written.values())
    result = report.as_dict(dataset=str(args.dataset), rows_by_day=written, seconds=round(time.time() - started, 1))
    bad = sum(sum(p.values()) for p in report.problems.values())
    log(f"{result['rows_written']} rows written ({written or 'none'}), {bad} records left out "
        f"({ {t: dict(p) for t, p in report.problems.items()} or 'none'}), in {result['seconds']}s")
    print(json.dumps(result, sort_keys=True), flush=True)


def arguments(argv=None):
    stack_data = Path(os.environ.get("STACK_DATA", ROOT / ".stack"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=stack_data / "models" / "dataset",
                        help="dataset directory (default: $STACK_DATA/models/dataset)")
    parser.add_argument("--bootstrap-servers", default=os.environ.get("KAFKA_BROKERS", "127.0.0.1:9092"))
    parser.add_argument("--registry-url",
                        default=os.environ.get("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081/apis/ccompat/v7"))
    parser.add_argument("--reviews-topic", default="reviews.completed.v1")
    parser.add_argument("--scored-topic", default="claims.scored.v1")
    parsed = parser.parse_args(argv)
    parsed.dataset = parsed.dataset.resolve()
    return parsed


if __name__ == "__main__":
    main(arguments())
