"""Synthetic claims with fraud labels, drawn from the fixed process described in README.md.

Each row is one claim as the inference gateway sees it: the claim's amount plus the features
the feature service computes (schemas/types/Features.avsc), in the column order of
feature-order.json. The label depends on those features only, through the fraud logit below,
so a model that sees the same features can learn it.

Each claim also has the segments a model is evaluated on, product, region and channel
(`generate_claims`). They are not model inputs: region and channel are drawn from a random
stream of their own, independent of fraud, so adding them left every feature and label as it was.
"""
import json
from pathlib import Path
from typing import NamedTuple

import numpy as np

FEATURE_ORDER_FILE = Path(__file__).with_name("feature-order.json")

# Product catalogue: (median claimed amount in minor units, log-normal sigma). The feature
# service's z-score compares a claim with the running mean of its product, so amounts are
# drawn per product and the z-score uses that product's true mean and deviation.
PRODUCTS = np.array(
    [
        (45_000, 0.45),  # phone
        (95_000, 0.40),  # laptop
        (60_000, 0.35),  # washer
        (12_000, 0.55),  # headphones
        (80_000, 0.50),  # tv
    ]
)

PRODUCT_NAMES = ("phone", "laptop", "washer", "headphones", "tv")  # in the order of PRODUCTS

# Region codes as the demo's claims use them, channels as schemas/types/Channel.avsc lists them,
# each with its share of claims.
REGIONS = {"EU-WEST": 0.4, "EU-NORTH": 0.2, "UK": 0.25, "US-EAST": 0.15}
CHANNELS = {"WEB": 0.45, "MOBILE_APP": 0.3, "PHONE": 0.1, "BRANCH": 0.05, "PARTNER_API": 0.1}

FRAUD_INTERCEPT = -4.5  # about 6.4% of claims are fraudulent


def feature_names():
    """The model input columns, in tensor order."""
    with open(FEATURE_ORDER_FILE) as f:
        return [feature["name"] for feature in json.load(f)["features"]]


def boolean_features():
    with open(FEATURE_ORDER_FILE) as f:
        return {feature["name"] for feature in json.load(f)["features"] if feature.get("boolean")}


def _customer_history(rng, n):
    """Earlier claims of the claim's customer within 30 days, 24 hours and 1 hour."""
    # Most customers claim rarely; a few (3%) file bursts, as organised fraud tends to.
    bursty = rng.random(n) < 0.03
    prior_30d = rng.poisson(rng.gamma(0.6, 1.0, n)) + np.where(bursty, rng.poisson(4.0, n), 0)
    prior_24h = rng.binomial(prior_30d, np.where(bursty, 0.6, 0.05))
    prior_1h = rng.binomial(prior_24h, np.where(bursty, 0.5, 0.1))
    return prior_1h, prior_24h, prior_30d


def _prior_amount_sums(rng, prior_1h, prior_24h, prior_30d):
    """Sums of the earlier claims' amounts per window; the first prior_1h of a customer's
    earlier claims fall in the last hour, the first prior_24h in the last day."""
    n = len(prior_30d)
    owner = np.repeat(np.arange(n), prior_30d)
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(prior_30d) - prior_30d, prior_30d)
    amounts = np.round(30_000 * np.exp(0.8 * rng.standard_normal(len(owner))))
    in_1h = rank < prior_1h[owner]
    in_24h = rank < prior_24h[owner]
    return (
        np.bincount(owner, weights=amounts * in_1h, minlength=n),
        np.bincount(owner, weights=amounts * in_24h, minlength=n),
        np.bincount(owner, weights=amounts, minlength=n),
    )


def _claim_amount(rng, n):
    """Product (index into PRODUCTS), claimed amount and its z-score against the product's
    amount distribution."""
    product = rng.integers(0, len(PRODUCTS), n)
    median, sigma = PRODUCTS[product, 0], PRODUCTS[product, 1]
    # 4% of claims are inflated two to five times over what the product usually costs.
    inflation = np.where(rng.random(n) < 0.04, rng.uniform(2.0, 5.0, n), 1.0)
    amount = np.round(median * np.exp(sigma * rng.standard_normal(n)) * inflation)
    mean = median * np.exp(sigma**2 / 2)
    sd = mean * np.sqrt(np.exp(sigma**2) - 1)
    return product, amount, (amount - mean) / sd


def fraud_logit(f):
    """Log-odds of fraud given the features (a dict of columns). Thresholds and interactions
    make it non-linear, so a small MLP (the teacher) can beat a logistic regression (the student)."""
    days = f["daysSincePolicyStart"]
    z = f["amountZScore"]
    return (
        FRAUD_INTERCEPT
        + 1.4 * np.log1p(f["customerClaimCount24h"] - 1)  # velocity
        + 1.2 * (f["customerClaimCount1h"] >= 2)
        + 3.0 * (days < 0)  # claimed before the policy started
        + 1.8 * ((days >= 0) & (days < 30))  # claimed right after it started
        + 0.8 * np.clip(z, -2.0, 6.0)
        + 2.0 * ((z > 2.0) & (days < 90))  # an expensive claim on a new policy
        + 1.5 * (f["isFirstClaim"] * (z > 1.5))
        + 2.5 * f["serialNumberSeenBefore"]
        + 1.0 * (f["mediaCount"] == 0)
        + 0.9 * (f["descriptionLength"] < 40)
    )


class Claims(NamedTuple):
    x: np.ndarray  # features [n, len(feature_names())] float64
    fraud: np.ndarray  # labels [n] int
    segments: dict  # segment name (product, region, channel) -> [n] str


def generate(n, seed):
    """n claims as (features [n, len(feature_names())] float64, fraud labels [n] int)."""
    claims = generate_claims(n, seed)
    return claims.x, claims.fraud


def _pick(rng, shares, n):
    return rng.choice(np.array(list(shares)), size=n, p=list(shares.values()))


def generate_claims(n, seed):
    """n claims with their features, fraud labels and segments."""
    rng = np.random.default_rng(seed)
    prior_1h, prior_24h, prior_30d = _customer_history(rng, n)
    sum_1h, sum_24h, sum_30d = _prior_amount_sums(rng, prior_1h, prior_24h, prior_30d)
    product, amount, z_score = _claim_amount(rng, n)
    # 2% of claims are dated before their policy started; the rest fall in a 3-year policy term.
    days = np.where(rng.random(n) < 0.02, -rng.integers(1, 60, n), rng.integers(0, 1096, n))
    columns = {
        "amountMinor": amount,
        "customerClaimCount1h": 1 + prior_1h,
        "customerClaimCount24h": 1 + prior_24h,
        "customerClaimCount30d": 1 + prior_30d,
        "customerAmount1hMinor": amount + sum_1h,
        "customerAmount24hMinor": amount + sum_24h,
        "customerAmount30dMinor": amount + sum_30d,
        "amountZScore": z_score,
        "daysSincePolicyStart": days,
        "descriptionLength": np.clip(np.round(160 * np.exp(0.7 * rng.standard_normal(n))), 0, 4000),
        "mediaCount": np.minimum(rng.poisson(1.8, n), 20),
        # No claim in 30 days; 60% of those customers never claimed before at all.
        "isFirstClaim": ((prior_30d == 0) & (rng.random(n) < 0.6)).astype(float),
        "serialNumberSeenBefore": (rng.random(n) < 0.02).astype(float),
    }
    fraud = (rng.random(n) < 1 / (1 + np.exp(-fraud_logit(columns)))).astype(int)
    x = np.column_stack([np.asarray(columns[name], dtype=np.float64) for name in feature_names()])
    # A stream of its own (spawned from the same seed), so the draws above are those of a
    # generator without segments.
    segment_rng = np.random.default_rng([seed, 1])
    segments = {
        "product": np.array(PRODUCT_NAMES)[product],
        "region": _pick(segment_rng, REGIONS, n),
        "channel": _pick(segment_rng, CHANNELS, n),
    }
    return Claims(x, fraud, segments)
