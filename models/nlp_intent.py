"""Intent and sentiment classification for customer service, in English and Chinese.

Data: data/customer_service_utterances.csv, 640 utterances written for this project
(10 intents x 32 per language; sentiment negative / neutral / positive; how they were made is
in data/README.md). Model: TF-IDF over character n-grams inside word boundaries plus
multinomial logistic regression. Character n-grams need no tokenizer, which matters for
Chinese (no spaces between words) and makes the model tolerant of typos in English; the same
pipeline therefore serves both languages (a standard baseline: e.g. Joulin et al. 2017,
"Bag of Tricks for Efficient Text Classification", use n-gram features for the same reason).

A trivial baseline (always the most common training label) is reported next to every score,
so "the model learned" is a measured claim.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models._config import check_choice, check_ranges
from scenarios.errors import VentureLabError

DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "customer_service_utterances.csv"
LANG_CHOICES = ("both", "en", "zh")


@functools.lru_cache(maxsize=1)
def load_utterances():
    """The utterance table (pandas DataFrame: text, lang, intent, sentiment, source, verified)."""
    import pandas as pd

    df = pd.read_csv(DATA_PATH, dtype=str, keep_default_na=False)
    needed = {"text", "lang", "intent", "sentiment", "source", "verified"}
    if not needed <= set(df.columns):
        raise VentureLabError(
            "utterances", "missing columns", got=sorted(df.columns), accepted=sorted(needed)
        )
    return df


@dataclass(frozen=True)
class IntentConfig:
    """Knobs of the text classifiers."""

    seed: int = 0
    test_fraction: float = 0.25
    train_langs: str = "both"  # which languages the model is trained on: both | en | zh
    ngram_max: int = 3  # character n-grams 1..ngram_max
    c: float = 10.0  # inverse regularisation strength of logistic regression

    def validate(self) -> None:
        check_ranges(self, test_fraction=(0.1, 0.5))
        check_choice(self, "train_langs", LANG_CHOICES)
        check_ranges(self, ngram_max=(1, 6), c=(0.01, 1000))


@dataclass(frozen=True)
class TaskResult:
    """One classification task (intent or sentiment), scored on the held-out set."""

    task: str  # "intent" | "sentiment"
    labels: tuple[str, ...]
    accuracy: float
    macro_f1: float
    baseline_accuracy: float  # most common training label
    per_lang: tuple[tuple[str, float, float, int], ...]  # (lang, accuracy, macro F1, test rows)
    confusion: tuple[tuple[int, ...], ...]  # rows = true label, columns = predicted (labels order)
    errors: tuple[tuple[str, str, str, str], ...]  # (text, lang, true, predicted), a few examples


@dataclass(frozen=True)
class IntentResult:
    config: IntentConfig
    intent: TaskResult
    sentiment: TaskResult
    n_train: int
    n_test: int
    n_features: int
    run_time_s: float


def _pipeline(config: IntentConfig):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(1, config.ngram_max), sublinear_tf=True, lowercase=True, min_df=1
        ),
        # balanced class weights: positive messages are rare (13%), and unweighted the model
        # learns to call them neutral (macro F1 0.59-0.78 -> 0.76-0.85 with weights, 3 seeds)
        LogisticRegression(
            C=config.c, max_iter=300, tol=1e-3, class_weight="balanced", random_state=config.seed
        ),
    )


def _score(task: str, model, test, y_col: str, train_labels) -> TaskResult:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    labels = tuple(sorted(set(train_labels) | set(test[y_col])))
    pred = model.predict(test["text"].tolist())
    y = test[y_col].to_numpy()
    majority = train_labels.value_counts().idxmax()
    per_lang = []
    for lang in ("en", "zh"):
        sel = (test["lang"] == lang).to_numpy()
        if sel.any():
            per_lang.append(
                (
                    lang,
                    float(accuracy_score(y[sel], pred[sel])),
                    float(f1_score(y[sel], pred[sel], average="macro", labels=list(labels), zero_division=0)),
                    int(sel.sum()),
                )
            )
    wrong = np.nonzero(pred != y)[0][:12]
    return TaskResult(
        task=task,
        labels=labels,
        accuracy=float(accuracy_score(y, pred)),
        macro_f1=float(f1_score(y, pred, average="macro", labels=list(labels), zero_division=0)),
        baseline_accuracy=float((y == majority).mean()),
        per_lang=tuple(per_lang),
        confusion=tuple(tuple(int(v) for v in row) for row in confusion_matrix(y, pred, labels=list(labels))),
        errors=tuple((test["text"].iloc[i], test["lang"].iloc[i], y[i], pred[i]) for i in wrong),
    )


def fit_models(config: IntentConfig):
    """Fit both classifiers; returns (intent_model, sentiment_model, train, test) DataFrames."""
    config.validate()
    from models._split import train_test_split

    df = load_utterances()
    # stratify by language x intent so both languages and every intent are in both splits
    train, test = train_test_split(
        df, test_size=config.test_fraction, random_state=config.seed, stratify=df["lang"] + "/" + df["intent"]
    )
    if config.train_langs != "both":
        train = train[train["lang"] == config.train_langs]
    # One BLAS thread: on a busy two-core machine the solver's thread pool mostly waits on
    # itself (measured 4 s on the default pool, 1.2 s on one thread for the same fit).
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        intent_model = _pipeline(config).fit(train["text"].tolist(), train["intent"])
        sentiment_model = _pipeline(config).fit(train["text"].tolist(), train["sentiment"])
    return intent_model, sentiment_model, train, test


def run_intent_on(config: IntentConfig, texts, intents) -> TaskResult:
    """The intent classifier's pipeline and scoring on the user's (text, intent) rows
    (models.user_data.read_intents): stratified by intent where the test split can hold every
    intent, ``train_langs`` ignored (an upload has no language column)."""
    config.validate()
    import math

    import pandas as pd
    from models._split import train_test_split
    from threadpoolctl import threadpool_limits

    df = pd.DataFrame({"text": list(texts), "intent": list(intents), "lang": ""})
    n_test = math.ceil(len(df) * config.test_fraction)
    stratify = df["intent"] if n_test >= df["intent"].nunique() else None
    train, test = train_test_split(df, test_size=config.test_fraction, random_state=config.seed, stratify=stratify)
    with threadpool_limits(limits=1):
        model = _pipeline(config).fit(train["text"].tolist(), train["intent"])
    return _score("intent", model, test, "intent", train["intent"])


def run_intent(config: IntentConfig = IntentConfig()) -> IntentResult:
    """Train and score the intent and sentiment classifiers on a held-out split."""
    t0 = time.perf_counter()
    intent_model, sentiment_model, train, test = fit_models(config)
    return IntentResult(
        config=config,
        intent=_score("intent", intent_model, test, "intent", train["intent"]),
        sentiment=_score("sentiment", sentiment_model, test, "sentiment", train["sentiment"]),
        n_train=len(train),
        n_test=len(test),
        n_features=len(intent_model[0].vocabulary_),
        run_time_s=time.perf_counter() - t0,
    )


@dataclass(frozen=True)
class Prediction:
    text: str
    intent: str
    intent_probability: float
    sentiment: str
    sentiment_probability: float
    top_intents: tuple[tuple[str, float], ...]


def predict_text(config: IntentConfig, text: str) -> Prediction:
    """Classify one utterance typed by the user."""
    text = (text or "").strip()
    if not text:
        raise VentureLabError("text", "type an utterance to classify")
    if len(text) > 500:
        raise VentureLabError("text", "too long", got=f"{len(text)} characters", accepted="up to 500")
    intent_model, sentiment_model, _, _ = fit_models(config)
    pi = intent_model.predict_proba([text])[0]
    ps = sentiment_model.predict_proba([text])[0]
    order = np.argsort(-pi)[:3]
    return Prediction(
        text=text,
        intent=str(intent_model.classes_[order[0]]),
        intent_probability=float(pi[order[0]]),
        sentiment=str(sentiment_model.classes_[ps.argmax()]),
        sentiment_probability=float(ps.max()),
        top_intents=tuple((str(intent_model.classes_[i]), float(pi[i])) for i in order),
    )


# ----------------------------------------------------------------------------- data quality


def char_ngrams(text: str, n: int = 3) -> set[str]:
    t = f" {text.lower()} "
    return {t[i : i + n] for i in range(max(1, len(t) - n + 1))}


def near_duplicate_share(texts, threshold: float = 0.9) -> float:
    """Share of texts whose TF-IDF (character 2-4-gram) cosine to another text exceeds ``threshold``."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    X = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(list(texts))
    S = cosine_similarity(X)
    np.fill_diagonal(S, 0.0)
    return float((S.max(axis=1) > threshold).mean())


def distinct_ngram_ratio(texts, n: int = 2, unit: str = "word") -> float:
    """distinct-n (Li et al. 2016, "A Diversity-Promoting Objective Function for Neural
    Conversation Models"): distinct n-grams / all n-grams. Template-filled sets score low."""
    total, distinct = 0, set()
    for text in texts:
        toks = text.lower().split() if unit == "word" else [c for c in text if not c.isspace()]
        grams = [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]
        total += len(grams)
        distinct.update(grams)
    return len(distinct) / total if total else 0.0
