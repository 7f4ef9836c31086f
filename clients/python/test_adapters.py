"""The adapters' own contract: arguments checked with plain messages, verl's data_source table, and
what a null becomes (on_null). Offline tests need no server; the others use VERDICT_URL."""

import math
import os
import unittest
import warnings
from unittest import mock

import verdict_client
from verdict_client import NullRewardError, VerdictClient, VerdictNullWarning, compute_score, compute_score_batch, make_trl_reward, verl_route
from verl_env import URL, VerlEnvCase, live


class Arguments(unittest.TestCase):
    def test_plain_messages(self):
        client = VerdictClient("http://127.0.0.1:9")
        cases = [
            # the classic slip: one id, not a list of ids
            (lambda: client.score([{"completions": ["x"]}], "math-answer"), TypeError, "rewards must be a list of rule ids or specs, e.g. ['math-answer']; got the string 'math-answer'"),
            (lambda: client.score([{"completions": ["x"]}], [42]), TypeError, "rewards[0] must be a rule id"),
            (lambda: client.score({"completions": ["x"]}, ["math-answer"]), TypeError, "groups must be a list of dicts"),
            (lambda: client.score([{"completions": []}], ["math-answer"]), ValueError, "groups[0]['completions'] must be a non-empty list"),
            (lambda: make_trl_reward(client, "math-answer"), TypeError, "got the string 'math-answer'"),
            (lambda: make_trl_reward(client, ["math-answer"], on_null="skip"), ValueError, "on_null must be one of 'raise', 'nan', 'zero', got 'skip'"),
            (lambda: make_trl_reward(client, ["math-answer"], num_generations=0), ValueError, "num_generations must be an integer >= 1"),
            (lambda: VerdictClient("http://x", retries="3"), ValueError, "retries must be >= 0"),
        ]
        for call, error, message in cases:
            with self.assertRaises(error) as caught:
                call()
            self.assertIn(message, str(caught.exception))


class VerlTable(VerlEnvCase):
    """verl_route against verl's default_compute_score table (verl/utils/reward_score/__init__.py)."""

    def rule_ids(self, source, routes=None):
        return [spec["id"] for spec in verl_route(source, routes)[0]]

    def test_exact_names_and_the_aime_prefix(self):
        table = [
            ("openai/gsm8k", ["string-check"]),
            ("lighteval/MATH", ["math-answer"]),
            ("HuggingFaceH4/MATH-500", ["math-answer"]),
            ("math_dapo", ["math-answer"]),
            ("aime2024", ["math-answer"]),  # verl: data_source.startswith("aime")
            ("numina_olympiads", ["math-answer"]),
            ("codecontests", ["code-tests"]),
            ("taco", ["code-tests"]),
            ("hiyouga/geometry3k", ["math-answer", "regex-match"]),
            # substring routing sent this to multiple-choice ("search" contains "arc")
            ("searchR1_nq", ["string-check"]),
        ]
        for source, ids in table:
            self.assertEqual(self.rule_ids(source), ids, source)

    def test_only_code_sources_use_the_code_sandbox(self):
        # js-function ran an isolate per completion in the sandbox pool, for the most common sources
        for row in verdict_client.VERL_SOURCES:
            ids = {spec["id"] for spec in row.rules}
            self.assertNotIn("js-function", ids, row.names)
            self.assertEqual("code-tests" in ids, row.scorer.startswith("prime_code"), row.names)

    def test_unknown_sources_raise_with_the_known_list(self):
        # verl raises NotImplementedError too; names verl does not know are not guessed at
        for source in ("mbpp", "humaneval", "gsm8k", "openai/gsm8k_v2", "my_math"):
            with self.assertRaises(NotImplementedError) as caught:
                verl_route(source)
            self.assertIn("data_source=%r; known: " % source, str(caught.exception))
            self.assertIn("openai/gsm8k", str(caught.exception))
            self.assertIn("aime*", str(caught.exception))

    def test_a_user_mapping_by_argument_or_environment(self):
        self.assertEqual(self.rule_ids("mbpp", {"mbpp": ["code-tests"]}), ["code-tests"])
        with mock.patch.dict(os.environ, {"VERDICT_ROUTES": '{"humaneval": [{"id": "code-tests", "params": {"mode": "binary"}}]}'}):
            self.assertEqual(verl_route("humaneval")[0], [{"id": "code-tests", "params": {"mode": "binary"}}])
        # a user mapping wins over verl's own entry
        self.assertEqual(self.rule_ids("openai/gsm8k", {"openai/gsm8k": ["math-answer"]}), ["math-answer"])

    def test_verdict_rewards_applies_to_every_source(self):
        with mock.patch.dict(os.environ, {"VERDICT_REWARDS": "string-check"}):
            self.assertEqual(self.rule_ids("anything at all"), ["string-check"])


@live
class VerlSemantics(VerlEnvCase):
    """Each data_source scores as verl's own scorer would."""

    def test_table(self):
        nq = {"target": ["Paris", "Paris, France"]}
        box = "<think>The angles sum to 180.</think> So x = \\boxed{4}."
        stdin = {"inputs": ["1 2\n"], "outputs": ["3\n"]}
        add = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
        cases = [
            # search-R1 exact match on the last <answer>: normalized, any target (scored 0.0 before)
            ("searchR1_nq", "<think>capital</think><answer>The paris</answer>", nq, 1.0),
            ("searchR1_nq", "<answer>Lyon</answer>", nq, 0.0),
            ("searchR1_nq", "Paris", nq, 0.0),  # no <answer>: 0, as verl
            ("searchR1_nq", "<answer>Paris</answer>" + "</answer>" * 10, nq, 0.25),  # more than 10 answer tags: 1/4
            ("searchR1_nq", "<answer>Paris</answer>" * 10, nq, 1.0),  # 10 of each is not more than 10
            ("searchR1_nq", "<answer>Paris</answer>", {"target": "paris"}, 1.0),  # a single target string
            # gsm8k (strict): the last "#### n" in the last 300 characters, "," and "$" removed, equal as text
            ("openai/gsm8k", "#### 7, no:\n#### 72", "72", 1.0),
            ("openai/gsm8k", "#### 72" + "." * 300, "72", 0.0),
            ("openai/gsm8k", "#### 72.0", "72", 0.0),
            # geometry3k: 0.9 x boxed math + 0.1 x <think>...</think>...\boxed{} format (string-check scored 0)
            ("hiyouga/geometry3k", box, "4", 1.0),
            ("hiyouga/geometry3k", "x = \\boxed{4}", "4", 0.9),
            ("hiyouga/geometry3k", box, "5", 0.1),
            # MATH: the last box, by mathematical equivalence
            ("lighteval/MATH", "so \\boxed{\\dfrac{1}{2}}", "\\frac12", 1.0),
            # an interval gold is sent as the string it is (it was parsed into a JSON list: a 400)
            ("lighteval/MATH", "so $x \\in \\boxed{[-2, 7]}$", "[-2, 7]", 1.0),
            ("lighteval/MATH", "so $x \\in \\boxed{(-2, 7)}$", "[-2, 7]", 0.0),
            # math_dapo and aime*: +1 right, -1 wrong
            ("math_dapo", "Answer: 34", "34", 1.0),
            ("aime2025", "Answer: 33", "34", -1.0),
            ("numina_cn_k12", "\\boxed{7}", "7", 1.0),
            # prime_code's JSON string of inputs/outputs
            ("codecontests", add, '{"inputs": ["1 2\\n", "2 2\\n"], "outputs": ["3\\n", "4\\n"]}', 1.0),
            ("apps", add, stdin, 1.0),
        ]
        for source, solution, truth, expected in cases:
            self.assertAlmostEqual(compute_score(source, solution, truth), expected, places=9, msg=source + " " + solution)


@live
class OnNull(unittest.TestCase):
    # a pattern RE2 cannot compile: the rule answers null / invalid_pattern, a configuration reason
    bad_pattern = [{"id": "regex-match", "params": {"pattern": "(a)\\1"}}]

    def call(self, on_null, rewards=None):
        reward = make_trl_reward(VerdictClient(URL), rewards or self.bad_pattern, on_null=on_null)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = reward(prompts=["p", "p"], completions=["aa", "bb"])
        return out, [w for w in caught if issubclass(w.category, VerdictNullWarning)]

    def test_raise_stops_on_a_configuration_reason(self):
        with self.assertRaises(NullRewardError) as caught:
            self.call("raise")
        self.assertEqual(caught.exception.counts, {("regex-match", "invalid_pattern"): 2})
        self.assertIn("regex-match invalid_pattern x2", str(caught.exception))

    def test_nan_and_zero_give_the_trainer_its_value_and_warn_once_with_counts(self):
        out, caught = self.call("nan")
        self.assertEqual(out, [None, None])  # TRL turns None into NaN itself
        self.assertEqual(len(caught), 1)
        self.assertIn("2 of 2 cells could not be scored (regex-match invalid_pattern x2)", str(caught[0].message))
        out, caught = self.call("zero")
        self.assertEqual(out, [0.0, 0.0])
        self.assertEqual(len(caught), 1)

    def test_a_partial_reward_is_never_returned(self):
        # think-format scores, math-answer cannot read its gold: the completion is null, not 0.5
        rewards = [{"id": "think-format", "weight": 0.5}, "math-answer"]
        reward = make_trl_reward(VerdictClient(URL), rewards, reference_column="solution")
        with self.assertWarns(VerdictNullWarning):
            out = reward(prompts=["p"], completions=["<think>x</think>\\boxed{1}"], solution=["\\frac{1}{"])
        self.assertEqual(out, [None])

    def test_verl_nan(self):
        with mock.patch.dict(os.environ, {"VERDICT_URL": URL}):
            verdict_client._env_client = None
            try:
                out = compute_score_batch(["lighteval/MATH"] * 2, ["\\boxed{1}", "\\boxed{1}"], ["1", "\\frac{1}{"], on_null="nan")
            finally:
                verdict_client._env_client = None
        self.assertEqual(out[0], 1.0)
        self.assertTrue(math.isnan(out[1]))


if __name__ == "__main__":
    unittest.main()
