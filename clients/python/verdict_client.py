"""Verdict client and trainer adapters, Python 3 standard library only.

    from verdict_client import VerdictClient, make_trl_reward
    client = VerdictClient("http://127.0.0.1:8080")
    client.score([{"reference": "42", "completions": ["\\boxed{42}", "41"]}], ["math-answer"])

- ``VerdictClient.score``: POST /v1/score; retries on 503 (honouring Retry-After) and on
  connection errors, never on a 4xx (those raise ``VerdictError`` at once).
- ``make_trl_reward``: a reward function for TRL's GRPOTrainer (``reward_funcs=[...]``).
- ``compute_score`` / ``compute_score_batch``: verl's ``custom_reward_function`` hooks,
  configured by the environment (VERDICT_URL, VERDICT_REWARDS, VERDICT_API_KEY).
"""

import json
import os
import random
import time
import urllib.error
import urllib.request
import uuid

__all__ = ["VerdictClient", "VerdictError", "make_trl_reward", "compute_score", "compute_score_batch"]


class VerdictError(Exception):
    """An error answer from Verdict: ``status``, the catalog ``code`` and the whole ``body``."""

    def __init__(self, status, body):
        self.status = status
        self.body = body if isinstance(body, dict) else {"message": str(body)}
        self.code = self.body.get("code")
        super().__init__("HTTP %s %s: %s" % (status, self.code or "", self.body.get("message", "")))


def _rule_specs(rewards):
    """``["math-answer", {"id": "think-format", "weight": 0.5}]`` -> a list of rule specs."""
    specs = [{"id": r} if isinstance(r, str) else dict(r) for r in rewards]
    if not specs:
        raise ValueError("rewards: name at least one rule")
    return specs


class VerdictClient:
    """A Verdict server at ``url``; ``timeout`` is per HTTP attempt, in seconds."""

    def __init__(self, url, api_key=None, timeout=300.0, retries=5, backoff=0.5, max_backoff=30.0):
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://, got %r" % (url,))
        if retries < 0:
            raise ValueError("retries must be >= 0, got %r" % (retries,))
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff

    def score(self, groups, rewards, advantages=None, aggregation=None, deadline_ms=None):
        """Scores groups (``[{prompt?, reference?, metadata?, completions: [...]}]``) with ``rewards``.

        Returns Verdict's response: per group ``completions[i].reward`` (None when no rule
        could score), the per-rule breakdown and the GRPO ``advantages``.
        """
        body = {"rewards": _rule_specs(rewards), "groups": list(groups)}
        if advantages is not None:
            body["advantages"] = {"method": advantages} if isinstance(advantages, str) else advantages
        if aggregation is not None:
            body["aggregation"] = aggregation
        if deadline_ms is not None:
            body["deadline_ms"] = deadline_ms
        # The same key on every retry: a request that did finish is answered from Verdict's store.
        return self.request("POST", "/v1/score", body, headers={"Idempotency-Key": uuid.uuid4().hex})

    def rewards(self):
        """The rules the server knows (GET /v1/rewards)."""
        return self.request("GET", "/v1/rewards")

    def request(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        all_headers = {"Accept": "application/json"}
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        if self.api_key:
            all_headers["Authorization"] = "Bearer " + self.api_key
        all_headers.update(headers or {})
        attempt = 0
        while True:
            request = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as error:
                payload = _read_json(error)
                if error.code != 503 or attempt >= self.retries:
                    raise VerdictError(error.code, payload) from None
                wait = _retry_after(error.headers.get("Retry-After"), self._backoff(attempt))
            except (ConnectionError, urllib.error.URLError) as error:
                # A timeout is not retried: the server may still be working on a large batch.
                reason = getattr(error, "reason", error)
                if not isinstance(reason, ConnectionError) or attempt >= self.retries:
                    raise
                wait = self._backoff(attempt)
            attempt += 1
            time.sleep(wait)

    def _backoff(self, attempt):
        """Exponential with full jitter, so replicas restarting together are not hit in step."""
        return random.uniform(0, min(self.max_backoff, self.backoff * (2 ** attempt)))


def _read_json(error):
    try:
        return json.loads(error.read().decode("utf-8"))
    except (ValueError, OSError):
        return {"message": error.reason}


def _retry_after(header, fallback):
    try:
        return max(0.0, float(header))
    except (TypeError, ValueError):
        return fallback


def _text(content):
    """Message content as text: a string, or the text parts of a multimodal list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def _last(messages, role):
    chosen = [m for m in messages if isinstance(m, dict) and m.get("role") == role]
    return _text(chosen[-1].get("content")) if chosen else ""


def _prompt_text(prompt):
    return prompt if isinstance(prompt, str) else _last(prompt, "user")


def _completion_text(completion):
    return completion if isinstance(completion, str) else _last(completion, "assistant")


def _group_spans(prompts, num_generations):
    """[(start, end)] of each group: ``num_generations`` consecutive completions, else runs of equal prompts."""
    n = len(prompts)
    if num_generations:
        return [(i, min(i + num_generations, n)) for i in range(0, n, num_generations)]
    spans, start = [], 0
    for i in range(1, n + 1):
        if i == n or prompts[i] != prompts[start]:
            spans.append((start, i))
            start = i
    return spans


def make_trl_reward(client, rewards, reference_column="solution", num_generations=None, metadata_columns=(), name="verdict"):
    """A reward function for TRL's GRPOTrainer: ``GRPOTrainer(reward_funcs=[make_trl_reward(...)])``.

    TRL calls it with ``prompts``, ``completions`` (strings, or lists of chat messages),
    ``completion_ids`` and every dataset column as keyword lists. Completions of one prompt
    come consecutively; set ``num_generations`` to GRPOConfig's (else runs of equal prompts
    form the groups). ``reference_column`` is the column holding the gold answer or tests.
    Returns one float per completion, or None where no rule could score (TRL ignores it).
    """
    specs = _rule_specs(rewards)

    def reward(prompts, completions, completion_ids=None, **kwargs):
        references = kwargs.get(reference_column)
        groups = []
        for start, end in _group_spans([_prompt_text(p) for p in prompts], num_generations):
            group = {"prompt": _prompt_text(prompts[start]), "completions": []}
            if references is not None and references[start] is not None:
                group["reference"] = references[start]
            metadata = {c: kwargs[c][start] for c in metadata_columns if c in kwargs}
            if metadata:
                group["metadata"] = metadata
            for i in range(start, end):
                text = _completion_text(completions[i])
                ids = completion_ids[i] if completion_ids is not None else None
                group["completions"].append({"content": text, "completion_ids": list(ids)} if ids is not None else text)
            groups.append(group)
        result = client.score(groups, specs, advantages="none")
        return [c["reward"] for g in result["groups"] for c in g["completions"]]

    reward.__name__ = name
    reward.__qualname__ = name
    return reward


# --- verl: custom_reward_function.path=verdict_client.py, .name=compute_score -------------------------

#: Rules per kind of verl data_source, when VERDICT_REWARDS is unset (matched as substrings, in order).
DEFAULT_RULES = (
    (("gsm8k", "math", "aime", "amc", "numina", "dapo", "deepscaler", "olympiad"), ["math-answer"]),
    (("code", "apps", "taco", "livecodebench", "humaneval", "mbpp", "primeintellect"), ["code-tests"]),
    (("gpqa", "mmlu", "arc", "multiple_choice", "mcq"), ["multiple-choice"]),
)
FALLBACK_RULES = ["string-check"]

_env_client = None


def _client_from_env():
    global _env_client
    if _env_client is None:
        _env_client = VerdictClient(os.environ.get("VERDICT_URL", "http://127.0.0.1:8080"), api_key=os.environ.get("VERDICT_API_KEY"))
    return _env_client


def _rules_for(data_source):
    configured = os.environ.get("VERDICT_REWARDS", "").strip()
    if configured.startswith("["):
        return json.loads(configured)
    if configured:
        return [r.strip() for r in configured.split(",") if r.strip()]
    source = str(data_source).lower()
    for keys, rules in DEFAULT_RULES:
        if any(k in source for k in keys):
            return rules
    return FALLBACK_RULES


def _reference(ground_truth):
    """verl code datasets keep their tests as a JSON string: pass them parsed."""
    if isinstance(ground_truth, str) and ground_truth.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(ground_truth)
        except ValueError:
            pass
    return ground_truth


def _null_score():
    return float(os.environ.get("VERDICT_NULL_SCORE", "0"))


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, **_):
    """verl's BatchRewardManager hook: one request for the whole batch; a float per sample.

    verl needs a number, so a sample no rule could score gets VERDICT_NULL_SCORE (default 0.0).
    """
    groups = []  # one per sample, each with its data source's rules
    for source, solution, truth in zip(data_sources, solution_strs, ground_truths):
        group = {"completions": [solution], "rewards": _rule_specs(_rules_for(source))}
        if truth is not None:
            group["reference"] = _reference(truth)
        groups.append(group)
    body = {"groups": groups, "advantages": {"method": "none"}}
    result = _client_from_env().request("POST", "/v1/score", body, headers={"Idempotency-Key": uuid.uuid4().hex})
    null = _null_score()
    return [float(g["completions"][0]["reward"]) if g["completions"][0]["reward"] is not None else null for g in result["groups"]]


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    """verl's per-sample hook (NaiveRewardManager): Verdict's reward as a float."""
    return compute_score_batch([data_source], [solution_str], [ground_truth], [extra_info])[0]
