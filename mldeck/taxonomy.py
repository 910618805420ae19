"""The topic vocabulary and the difficulty rubric (documented in docs/taxonomy.md).

The scraper uses these to give a new card its first `topics` and `difficulty`; a person can
override both in the card file, and the card reader checks values against these lists.
"""

from __future__ import annotations

import re

DIFFICULTIES = ("basic", "intermediate", "advanced")
ANSWER_ORIGINS = ("source", "deck", "missing")
# What the deck says of an article's answer; the last two may not be the visible answer.
VERDICTS = ("correct", "incomplete", "misleading", "wrong")
FLAWED = ("misleading", "wrong")
KINDS = ("technical", "behavioural", "coding")

# topic -> pattern over the question text (case-insensitive). Order is the display order.
TOPICS: dict[str, str] = {
    "fundamentals": r"supervised|unsupervised|types of machine learning|machine learning is|"
    r"inductive|deductive|classifier|training set|parametric|deep learning, and how",
    "probability-statistics": r"likelihood|probability|bayes|selection bias|type i\b|r-squared|"
    r"cross entropy",
    "data-preparation": r"missing|corrupted|normali[sz]ation|min-max|scaling|feature selection|"
    r"imbalance|data pipeline|feature importance|numpy|numpty|pandas|data .*valuable",
    "evaluation": r"cross-validation|evaluate|roc\b|type i\b|metric|r-squared|training set|"
    r"bias-variance|bias and variance|overfitting",
    "regularization": r"regulari[sz]ation|overfitting|dropout|l1\b",
    "optimization": r"gradient descent|bayesian optimi[sz]ation|backpropagation",
    "classical-models": r"decision tree|random forest|support vector|svm|naive bayes|"
    r"nearest neighbou?r|linear regression|euclidean|classifier",
    "ensembles": r"ensemble|bagging|boosting|random forest|adaboost",
    "clustering": r"cluster|k-means",
    "dimensionality-reduction": r"principal component|pca|dimensionality|autoencoder",
    "neural-networks": r"neural network|backpropagation|dropout|embedding layer|deep learning|"
    r"\bcnn|\brnn|lstm|gru\b|capsule|boltzmann|autoencoder|transfer learning|adversarial",
    "sequence-models": r"recurrent|lstm|gru\b|sequence-to-sequence|attention|time series|bert\b",
    "nlp": r"word embedding|\bnlp\b|bert\b|embedding layer|attention",
    "computer-vision": r"\bcnn|convolution|object detection|image|capsule",
    "generative-models": r"generative|\bgan|autoencoder|boltzmann|vae",
    "reinforcement-learning": r"reinforcement|actor-critic|model-free",
    "recommender-systems": r"recommend|collaborative filtering",
    "anomaly-detection": r"anomal",
    "learning-paradigms": r"transfer learning|semi-supervised|one-shot|few-shot|adversarial training",
    "deployment": r"production|deploy|monitor|degrade|real-time",
    "programming": r"python|numpy|numpty|pandas",
    "transformers": r"transformer|self-attention|positional encoding",
    "llm": r"\bllm|large language model|fine-tun|rlhf|\bdpo\b|prompt|lora\b",
    "retrieval": r"retrieval|vector search|nearest-neighbou?r search|\brag\b|rerank",
    "experimentation": r"a/b test|experiment|statistical power",
    "system-design": r"system design|design a .*system|end to end",
}

# Question texts that name a concept beyond the basics of a first course.
ADVANCED = re.compile(
    r"actor-critic|boltzmann|bayesian optimi[sz]ation|variational|capsule|"
    r"spectral|focal loss|one-shot|few-shot|model-based|adversarial training",
    re.IGNORECASE,
)
# Concepts a candidate meets after the first course: models with moving parts, trade-offs.
INTERMEDIATE = re.compile(
    r"bias-variance|bias and variance|l1\b|gradient|boosting|bagging|ensemble|principal component|"
    r"support vector|svm|backpropagation|neural network|\bcnn|\brnn|lstm|gru\b|dropout|"
    r"transfer learning|embedding|attention|generative|roc\b|imbalance|likelihood|cross entropy|"
    r"deploy|production|monitor|degrade|time series|feature importance|naive bayes|parametric|"
    r"collaborative filtering|reinforcement|data pipeline|object detection|anomal|deep learning|"
    r"semi-supervised|autoencoder|inductive|selection bias|feature selection|"
    r"random forest|adaboost|number of clusters|regulari[sz]ation|loss function|\bbert\b|sequence-to-sequence",
    re.IGNORECASE,
)


BEHAVIOURAL = re.compile(
    r"tell us about a time|describe a time|describe any experience|have you read|research you are doing|"
    r"in our industry",
    re.IGNORECASE,
)


def kind_for(question: str) -> str:
    """`behavioural` for questions about the candidate, else `technical`."""
    return "behavioural" if BEHAVIOURAL.search(question) else "technical"


def topics_for(question: str, section: str | None) -> tuple[str, ...]:
    """Topics whose pattern the question matches; a behavioural question may have none."""
    found = [t for t, rx in TOPICS.items() if re.search(rx, question, re.IGNORECASE)]
    if found or kind_for(question) == "behavioural":
        return tuple(found)
    return ("fundamentals",)


def difficulty_for(question: str, section: str | None) -> str:
    """The 2026 rubric (docs/taxonomy.md): the concept the question asks about, not the article's
    section title; behavioural questions are basic."""
    if kind_for(question) == "behavioural":
        return "basic"
    if ADVANCED.search(question):
        return "advanced"
    if INTERMEDIATE.search(question):
        return "intermediate"
    return "basic"
