"""Verdict client and trainer adapters, Python 3 standard library only.

    from verdict_client import VerdictClient, make_trl_reward
    client = VerdictClient("http://127.0.0.1:8080")
    client.score([{"reference": "42", "completions": ["\\boxed{42}", "41"]}], ["math-answer"])

- ``VerdictClient.score``: POST /v1/score; retries on 503 (honouring Retry-After) and on
  connection errors, never on a 4xx (those raise ``VerdictError`` at once).
- ``make_trl_reward``: a reward function for TRL's GRPOTrainer (``reward_funcs=[...]``).
- ``compute_score`` / ``compute_score_batch``: verl's ``custom_reward_function`` hooks, routed by
  data_source as verl's default_compute_score routes (``verl_route``), configured by the environment
  (VERDICT_URL, VERDICT_API_KEY, VERDICT_REWARDS, VERDICT_ROUTES, VERDICT_ON_NULL).
- A reward Verdict could not compute is never a silent 0: ``on_null`` says what the trainer gets.
"""

import collections
import functools
import json
import os
import random
import time
import urllib.error
import urllib.request
import uuid
import warnings

__all__ = ["VerdictClient", "VerdictError", "NullRewardError", "VerdictNullWarning", "make_trl_reward", "compute_score", "compute_score_batch", "verl_route"]


class VerdictError(Exception):
    """An error answer from Verdict: ``status``, the catalog ``code`` and the whole ``body``."""

    def __init__(self, status, body):
        self.status = status
        self.body = body if isinstance(body, dict) else {"message": str(body)}
        self.code = self.body.get("code")
        super().__init__("HTTP %s %s: %s" % (status, self.code or "", self.body.get("message", "")))


def _rule_specs(rewards):
    """``["math-answer", {"id": "think-format", "weight": 0.5}]`` -> a list of rule specs, checked."""
    if isinstance(rewards, (str, bytes)):
        raise TypeError("rewards must be a list of rule ids or specs, e.g. [%r]; got the string %r" % (rewards, rewards))
    if not isinstance(rewards, (list, tuple)):
        raise TypeError("rewards must be a list of rule ids or specs, e.g. ['math-answer']; got %s" % type(rewards).__name__)
    if not rewards:
        raise ValueError("rewards: name at least one rule, e.g. ['math-answer']")
    specs = []
    for i, r in enumerate(rewards):
        if isinstance(r, str):
            specs.append({"id": r})
        elif isinstance(r, dict) and isinstance(r.get("id"), str):
            specs.append(dict(r))
        else:
            raise TypeError("rewards[%d] must be a rule id (a string) or a spec {'id': ..., 'weight': ..., 'params': ...}; got %r" % (i, r))
    return specs


class VerdictClient:
    """A Verdict server at ``url``; ``timeout`` is per HTTP attempt, in seconds."""

    def __init__(self, url, api_key=None, timeout=300.0, retries=5, backoff=0.5, max_backoff=30.0):
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://, got %r" % (url,))
        if not isinstance(retries, int) or retries < 0:
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
        if not isinstance(groups, (list, tuple)) or not all(isinstance(g, dict) for g in groups):
            raise TypeError("groups must be a list of dicts like {'reference': '42', 'completions': ['...']}")
        for i, group in enumerate(groups):
            if not isinstance(group.get("completions"), (list, tuple)) or not group["completions"]:
                raise ValueError("groups[%d]['completions'] must be a non-empty list of completions" % i)
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


def _prompt(prompt):
    """A prompt as Verdict takes it: text, or the conversation itself (the server reads its last user
    message), each message's content as text (multimodal parts joined)."""
    if isinstance(prompt, str):
        return prompt
    return [dict(m, content=_text(m.get("content"))) if isinstance(m, dict) else m for m in prompt]


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


# --- nulls: a reward Verdict could not compute -------------------------------------------------------

#: Reasons that mean the run is set up wrong (no reference, a sandbox off, no completion text), not that
#: one completion could not be judged: with on_null="raise" they stop the step.
CONFIGURATION_REASONS = frozenset({
    "no_reference", "bad_reference", "no_pattern", "invalid_pattern", "pattern_too_long",
    "sandbox_unavailable", "no_completion", "no_assistant_message",
})

ON_NULL = ("raise", "nan", "zero")


class NullRewardError(ValueError):
    """Cells Verdict could not score for a configuration reason (``counts``: {(rule, reason): n})."""

    def __init__(self, where, counts):
        self.counts = counts
        listed = ", ".join("%s %s x%d" % (rule, reason, n) for (rule, reason), n in sorted(counts.items()))
        super().__init__("%s: Verdict could not score %s. This is a set-up problem (see docs/integrations.md); "
                         "pass on_null='nan' or 'zero' to train on anyway." % (where, listed))


def _check_on_null(on_null):
    if on_null not in ON_NULL:
        raise ValueError("on_null must be one of %s, got %r" % (", ".join(repr(o) for o in ON_NULL), on_null))


def _null_cells(completion):
    """[(rule, reason)] of a completion's cells that are null; a completion with any is not scored."""
    cells = [(rule, cell.get("reason") or "unknown") for rule, cell in completion["rewards"].items() if cell.get("score") is None]
    if not completion["rewards"] and completion.get("error"):
        cells.append(("*", completion["error"]))
    return cells


def _settle(result, where, on_null, null_value, seen, transforms=None):
    """Verdict's rewards as the trainer's numbers: a completion with any null cell gets ``null_value``.

    Counts the nulls by (rule, reason) into ``seen`` and raises NullRewardError for configuration
    reasons when on_null is "raise". A partial reward (the rules that did score) is never returned:
    with several rules it would silently train on what is left. ``transforms[i]``, when given, maps
    the i-th reward that was scored.
    """
    out, config = [], {}
    for group in result["groups"]:
        for completion in group["completions"]:
            nulls = _null_cells(completion)
            for key in nulls:
                seen[key] = seen.get(key, 0) + 1
                if key[1] in CONFIGURATION_REASONS:
                    config[key] = config.get(key, 0) + 1
            if nulls or completion["reward"] is None:
                out.append(null_value)
                continue
            transform = transforms[len(out)] if transforms else None
            out.append(transform(float(completion["reward"])) if transform else float(completion["reward"]))
    if config and on_null == "raise":
        raise NullRewardError(where, config)
    return out


def _warn_nulls(where, seen, total, server_warnings=()):
    """One warning for a call (a trainer step): counts by rule and reason, then the server's own warnings."""
    if not seen and not server_warnings:
        return
    nulls = sum(seen.values())
    parts = ", ".join("%s %s x%d" % (rule, reason, n) for (rule, reason), n in sorted(seen.items()))
    lines = ["%s: %d of %d cells could not be scored (%s)" % (where, nulls, total, parts)] if seen else []
    lines += ["Verdict: " + w.get("message", str(w)) for w in server_warnings]
    warnings.warn("; ".join(lines), VerdictNullWarning, stacklevel=3)


class VerdictNullWarning(UserWarning):
    """Some rewards of a step could not be computed (see the counts)."""


# --- TRL: GRPOTrainer(reward_funcs=[make_trl_reward(...)]) ------------------------------------------


def make_trl_reward(client, rewards, reference_column="solution", num_generations=None, metadata_columns=(), name="verdict", on_null="raise"):
    """A reward function for TRL's GRPOTrainer: ``GRPOTrainer(reward_funcs=[make_trl_reward(...)])``.

    TRL (GRPOTrainer._calculate_rewards) calls it with ``prompts``, ``completions`` (strings, or
    lists of chat messages), ``completion_ids``, ``trainer_state`` and every other dataset column
    as keyword lists. Completions of one prompt come consecutively; set ``num_generations`` to
    GRPOConfig's (else runs of equal prompts form the groups). ``reference_column`` is the column
    holding the gold answer or the tests.

    Returns one float per completion, or None where Verdict could not score it: TRL turns None into
    NaN and sums its reward functions with nansum, so a completion whose functions are all None gets
    0 and still enters the group's advantages. ``on_null``: "raise" (default) stops the step when a
    null has a configuration reason (CONFIGURATION_REASONS) and returns None for the others; "nan"
    returns None for every null; "zero" returns 0.0. Each call warns once with the null counts.
    """
    specs = _rule_specs(rewards)
    _check_on_null(on_null)
    if num_generations is not None and (not isinstance(num_generations, int) or num_generations < 1):
        raise ValueError("num_generations must be an integer >= 1 (GRPOConfig.num_generations), got %r" % (num_generations,))
    if not isinstance(metadata_columns, (list, tuple)):
        raise TypeError("metadata_columns must be a list of column names, got %r" % (metadata_columns,))

    def reward(prompts, completions, completion_ids=None, **kwargs):
        if len(prompts) != len(completions):
            raise ValueError("%s: %d prompts for %d completions" % (name, len(prompts), len(completions)))
        references = kwargs.get(reference_column) if reference_column else None
        groups = []
        for start, end in _group_spans(prompts, num_generations):
            group = {"prompt": _prompt(prompts[start]), "completions": []}
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
        try:
            result = client.score(groups, specs, advantages="none")
        except VerdictError as error:
            if error.code == "VERDICT_MISSING_REFERENCE" and reference_column not in kwargs:
                columns = sorted(k for k in kwargs if k not in ("trainer_state", "completion_ids"))
                raise VerdictError(error.status, dict(error.body, message="%s (reference_column=%r is not a dataset column; columns: %s)"
                                                      % (error.body.get("message"), reference_column, ", ".join(columns) or "none"))) from None
            raise
        seen = {}
        out = _settle(result, name, on_null, 0.0 if on_null == "zero" else None, seen)
        _warn_nulls(name, seen, len(out) * len(specs), result.get("warnings", ()))
        return out

    reward.__name__ = name
    reward.__qualname__ = name
    return reward


# --- verl: custom_reward_function.path=verdict_client.py, .name=compute_score(_batch) ---------------
#
# The data_source table of verl's own default_compute_score (verl/utils/reward_score/__init__.py):
# the same exact names and the one prefix verl uses ("aime"), each to the Verdict rules and params that
# score as that verl scorer does. docs/integrations.md sets them side by side.

# Only code-tests (the code data sources) runs in Verdict's code sandbox; every other rule below runs in
# its scoring pool.

#: verl gsm8k.compute_score (strict): the last "#### <number>" in the last 300 characters, "," and "$"
#: removed, equal as text to the ground truth; else 0.
GSM8K_STRICT = {"id": "string-check", "name": "gsm8k",
                "params": {"scope": "verbatim", "extract": {"pattern": r"#### (\-?[0-9\.\,]+)", "last_chars": 300, "remove": ",$"}}}

#: verl search_r1_like_qa_em.compute_score: the last <answer>...</answer>, normalized as SQuAD does
#: (lower case, no punctuation, no articles, single spaces), equal to one of ground_truth["target"];
#: 0 without an answer. Its 1/4 for more than 10 answer tags is _search_r1_tags.
SEARCH_R1_EM = {"id": "string-check", "name": "exact_match",
                "params": {"scope": "verbatim", "extract": {"pattern": "<answer>(.*?)</answer>", "flags": "s"}, "normalize": "squad"}}

_MATH = {"think_only": False}
_GEO3K_FORMAT = r"<think>.*</think>.*\\boxed\{.*\}.*"


def _dapo(score, solution):
    """verl math_dapo.compute_score: 1.0 when right, -1.0 when wrong."""
    return 1.0 if score >= 1 else -1.0


def _search_r1_tags(score, solution):
    """search_r1_like_qa_em: a right answer earns 1/4 when the completion has more than 10 opening or
    closing answer tags; counted here, on the text verl counts them in, as its str.count does."""
    return score / 4 if score > 0 and max(solution.count("<answer>"), solution.count("</answer>")) > 10 else score


def _search_r1_target(ground_truth):
    """search-R1 ground truths are {"target": [answers]}: the answers are the reference."""
    return ground_truth["target"] if isinstance(ground_truth, dict) and "target" in ground_truth else ground_truth


#: One row of verl's table: its exact data_source names, the verl scorer it reproduces, the Verdict
#: rules, ``transform(reward, solution_str)`` of the reward (or None) and ``reference(ground_truth)``,
#: what to send as the reference (or None: the ground truth as it is).
VerlSource = collections.namedtuple("VerlSource", "names scorer rules transform reference")

VERL_SOURCES = (
    VerlSource(("openai/gsm8k",), "gsm8k (strict)", [GSM8K_STRICT], None, None),
    VerlSource(("lighteval/MATH", "DigitalLearningGmbH/MATH-lighteval", "HuggingFaceH4/MATH-500"), "math_reward",
               [{"id": "math-answer", "params": dict(_MATH, boxed_only=True)}], None, None),
    VerlSource(("math_dapo", "math", "math_dapo_reasoning"), "math_dapo", [{"id": "math-answer", "params": _MATH}], _dapo, None),
    VerlSource(("numina_aops_forum", "numina_synthetic_math", "numina_amc_aime", "numina_synthetic_amc", "numina_cn_k12", "numina_olympiads"),
               "prime_math", [{"id": "math-answer", "params": _MATH}], None, None),
    VerlSource(("codecontests", "apps", "codeforces", "taco"), "prime_code (continuous)",
               [{"id": "code-tests", "params": {"mode": "fraction", "max_tests": 10, "default_language": "python"}}], None, None),
    VerlSource(("hiyouga/geometry3k",), "geo3k",
               [{"id": "math-answer", "weight": 0.9, "params": dict(_MATH, boxed_only=True)},
                {"id": "regex-match", "name": "format", "weight": 0.1, "params": {"pattern": _GEO3K_FORMAT, "flags": "s", "full_match": True, "scope": "completion"}}],
               None, None),
    VerlSource(("searchR1_nq", "searchR1_triviaqa", "searchR1_popqa", "searchR1_hotpotqa", "searchR1_2wikimultihopqa", "searchR1_musique", "searchR1_bamboogle"),
               "search_r1_like_qa_em", [SEARCH_R1_EM], _search_r1_tags, _search_r1_target),
)
#: data_source.startswith(prefix), as verl's default_compute_score tests it.
VERL_PREFIXES = (("aime", 2),)  # -> VERL_SOURCES[2], math_dapo

_env_client = None


def _client_from_env():
    global _env_client
    if _env_client is None:
        _env_client = VerdictClient(os.environ.get("VERDICT_URL", "http://127.0.0.1:8080"), api_key=os.environ.get("VERDICT_API_KEY"))
    return _env_client


def _json_env(name):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError as error:
        raise ValueError("%s is not JSON: %s" % (name, error)) from None


#: What verl_route gives: the rule specs, the reward's transform and the reference's (each None when there is none).
VerlRoute = collections.namedtuple("VerlRoute", "rules transform reference")


def verl_route(data_source, routes=None):
    """The VerlRoute of a verl data_source: VERDICT_REWARDS for every source, else the user's
    ``routes`` / VERDICT_ROUTES ({data_source: rules}), else verl's own table; an unknown
    data_source raises NotImplementedError listing the known ones, as verl does."""
    configured = os.environ.get("VERDICT_REWARDS", "").strip()
    if configured:
        rules = json.loads(configured) if configured.startswith("[") else [r.strip() for r in configured.split(",") if r.strip()]
        return VerlRoute(_rule_specs(rules), None, None)
    user = dict(_json_env("VERDICT_ROUTES") or {})
    user.update(routes or {})
    source = str(data_source)
    if source in user:
        return VerlRoute(_rule_specs(user[source]), None, None)
    row = next((row for row in VERL_SOURCES if source in row.names), None)
    if row is None:
        row = next((VERL_SOURCES[index] for prefix, index in VERL_PREFIXES if source.startswith(prefix)), None)
    if row is not None:
        return VerlRoute(row.rules, row.transform, row.reference)
    known = sorted(set(user) | {n for row in VERL_SOURCES for n in row.names}) + ["%s*" % p for p, _ in VERL_PREFIXES]
    raise NotImplementedError("Verdict has no rules for data_source=%r; known: %s. Map it with routes={%r: ['rule-id']} "
                              "(verl: custom_reward_function.reward_kwargs) or VERDICT_ROUTES." % (source, ", ".join(known), source))


def _plain(value):
    """numpy scalars and arrays (verl's non_tensor_batch) as plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, on_null=None, routes=None, _warned=None, **_):
    """verl's BatchRewardManager hook: one request for the whole batch; a float per sample.

    verl writes the number at the response's last token (reward_tensor[i, length - 1]), so it must be
    one: ``on_null`` "raise" (default, or VERDICT_ON_NULL) stops the step on configuration reasons and
    gives 0.0 for other nulls (what verl's own scorers give an answer they cannot judge); "nan" gives
    NaN; "zero" gives 0.0. Warns once per call (per step) with the null counts.
    """
    on_null = on_null or os.environ.get("VERDICT_ON_NULL", "raise")
    _check_on_null(on_null)
    if not (len(data_sources) == len(solution_strs) == len(ground_truths)):
        raise ValueError("data_sources, solution_strs and ground_truths differ in length: %d, %d, %d" % (len(data_sources), len(solution_strs), len(ground_truths)))
    groups, transforms = [], []
    for i, (source, solution, truth) in enumerate(zip(data_sources, solution_strs, ground_truths)):
        route = verl_route(source, routes)
        group = {"completions": [solution], "rewards": route.rules}
        truth = _plain(truth)
        if truth is None and any(route.rules is row.rules for row in VERL_SOURCES):
            raise ValueError("sample %d (data_source=%r) has no ground_truth: verl reads it from reward_model.ground_truth" % (i, source))
        if truth is not None:
            # Else as it is: the server reads a code rule's JSON string of tests itself (numbers exactly),
            # and a MATH gold such as "[-2, 7]" is an interval, not a list.
            group["reference"] = route.reference(truth) if route.reference else truth
        groups.append(group)
        transforms.append(functools.partial(route.transform, solution=solution) if route.transform else None)
    body = {"groups": groups, "advantages": {"method": "none"}}
    result = _client_from_env().request("POST", "/v1/score", body, headers={"Idempotency-Key": uuid.uuid4().hex})
    seen = {}
    out = _settle(result, "verdict compute_score", on_null, float("nan") if on_null == "nan" else 0.0, seen, transforms)
    if _warned is not None:  # one sample per call: warn once per (rule, reason), not once per sample
        seen = {key: n for key, n in seen.items() if key not in _warned}
        _warned.update(seen)
        if not seen:
            return out
    _warn_nulls("verdict compute_score", seen, sum(len(g["rewards"]) for g in groups), result.get("warnings", ()) if _warned is None else ())
    return out


_warned_per_sample = set()


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """verl's per-sample hook (NaiveRewardManager, DAPORewardManager, PrimeRewardManager): a float.

    Called once per sample, so it warns once per (rule, reason) for the life of the process; the
    batch hook warns once per step with counts."""
    return compute_score_batch([data_source], [solution_str], [ground_truth], [extra_info], _warned=_warned_per_sample, **kwargs)[0]
