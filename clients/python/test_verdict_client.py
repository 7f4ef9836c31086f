"""Tests of verdict_client against a live Verdict (VERDICT_URL; tests/python-client.test.ts starts one)
and, for retries, against a scripted local HTTP server. Run: python3 -m unittest discover -s clients/python"""

import http.server
import json
import math
import os
import socket
import threading
import time
import unittest
from unittest import mock

import verdict_client
from verdict_client import VerdictClient, VerdictError, compute_score, compute_score_batch, make_trl_reward
from verl_env import URL, VerlEnvCase, live


class Scripted(http.server.BaseHTTPRequestHandler):
    """Answers each request with the next (status, headers, body) of the server's script."""

    def do_POST(self):
        self.server.bodies.append(json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0)))))
        self.server.seen.append((time.monotonic(), dict(self.headers)))
        status, headers, body = self.server.script.pop(0)
        data = json.dumps(body).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def scripted(script):
    server = http.server.HTTPServer(("127.0.0.1", 0), Scripted)
    server.script, server.seen, server.bodies = list(script), [], []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, "http://127.0.0.1:%d" % server.server_address[1]


OK = (200, {}, {"groups": [{"id": "0", "completions": [{"reward": 1, "rewards": {}}]}]})
OVERLOADED = (503, {"Retry-After": "0.2"}, {"statusCode": 503, "code": "VERDICT_OVERLOADED", "message": "full"})


class Retries(unittest.TestCase):
    def tearDown(self):
        if hasattr(self, "server"):
            self.server.shutdown()
            self.server.server_close()

    def test_503_is_retried_after_retry_after_with_the_same_idempotency_key(self):
        # two 503s with Retry-After: 0.2 s, then the answer
        self.server, url = scripted([OVERLOADED, OVERLOADED, OK])
        result = VerdictClient(url, backoff=5).score([{"completions": ["x"]}], ["think-format"])
        self.assertEqual(result["groups"][0]["completions"][0]["reward"], 1)
        times = [t for t, _ in self.server.seen]
        self.assertEqual(len(times), 3)
        self.assertGreaterEqual(times[1] - times[0], 0.19)  # waited Retry-After, not the 5 s backoff
        self.assertLess(times[2] - times[0], 2)
        keys = {h["Idempotency-Key"] for _, h in self.server.seen}
        self.assertEqual(len(keys), 1)

    def test_503_gives_up_after_the_retries(self):
        # retries=1: the first try and one retry, then the 503 is raised
        self.server, url = scripted([OVERLOADED, OVERLOADED, OK])
        with self.assertRaises(VerdictError) as caught:
            VerdictClient(url, retries=1).score([{"completions": ["x"]}], ["think-format"])
        self.assertEqual((caught.exception.status, caught.exception.code), (503, "VERDICT_OVERLOADED"))
        self.assertEqual(len(self.server.seen), 2)

    def test_4xx_is_never_retried(self):
        # a bad request stays bad: raised at once with the catalog code
        bad = (400, {}, {"statusCode": 400, "code": "VERDICT_UNKNOWN_REWARD", "message": "Unknown reward"})
        self.server, url = scripted([bad, OK])
        with self.assertRaises(VerdictError) as caught:
            VerdictClient(url).score([{"completions": ["x"]}], ["nope"])
        self.assertEqual(caught.exception.code, "VERDICT_UNKNOWN_REWARD")
        self.assertEqual(len(self.server.seen), 1)

    def test_connection_refused_is_retried_then_raised(self):
        # nothing listens on the port: every try is refused; 3 tries with tiny backoffs
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        client = VerdictClient("http://127.0.0.1:%d" % port, retries=2, backoff=0.01)
        with mock.patch.object(verdict_client.time, "sleep", wraps=time.sleep) as sleep:
            with self.assertRaises(Exception) as caught:
                client.score([{"completions": ["x"]}], ["think-format"])
        self.assertEqual(sleep.call_count, 2)
        self.assertIsInstance(getattr(caught.exception, "reason", caught.exception), ConnectionError)

    def test_options_are_checked(self):
        # a URL without a scheme is the usual mistake
        with self.assertRaises(ValueError):
            VerdictClient("127.0.0.1:8080")
        with self.assertRaises(ValueError):
            VerdictClient("http://x", retries=-1)


class TrlRequest(unittest.TestCase):
    """What make_trl_reward sends, as the scripted server receives it."""

    def test_chat_prompts_go_as_conversations(self):
        # the server reads a conversation's last user message itself; only multimodal parts become text.
        # Two prompts with the same user message and different system messages are two groups.
        brief = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": [{"type": "text", "text": "2+2?"}]}]
        think = [{"role": "system", "content": "Think first."}, {"role": "user", "content": "2+2?"}]
        answer = (200, {}, {"groups": [{"completions": [{"reward": 1, "rewards": {}}]}] * 2})
        server, url = scripted([answer])
        try:
            reward = make_trl_reward(VerdictClient(url), ["math-answer"], reference_column=None)
            self.assertEqual(reward(prompts=[brief, think], completions=["4", "4"]), [1.0, 1.0])
        finally:
            server.shutdown()
            server.server_close()
        groups = server.bodies[0]["groups"]
        self.assertEqual([g["prompt"] for g in groups], [[brief[0], {"role": "user", "content": "2+2?"}], think])


@live
class Score(unittest.TestCase):
    def test_score_returns_rewards_breakdown_and_advantages(self):
        client = VerdictClient(URL)
        result = client.score([{"reference": "42", "completions": ["\\boxed{42}", "It is 41."]}], ["math-answer"])
        group = result["groups"][0]
        self.assertEqual([c["reward"] for c in group["completions"]], [1, 0], json.dumps(group["completions"]))
        self.assertEqual(group["completions"][0]["rewards"]["math-answer"]["score"], 1)
        self.assertGreater(group["advantages"][0], 0)

    def test_unknown_rule_raises_with_the_catalog_code(self):
        with self.assertRaises(VerdictError) as caught:
            VerdictClient(URL).score([{"completions": ["x"]}], ["no-such-rule"])
        self.assertEqual((caught.exception.status, caught.exception.code), (400, "VERDICT_UNKNOWN_REWARD"))

    def test_rewards_lists_the_rules(self):
        ids = [r["id"] for r in VerdictClient(URL).rewards()["rewards"]]
        self.assertIn("math-answer", ids)


@live
class Trl(unittest.TestCase):
    def setUp(self):
        self.reward = make_trl_reward(VerdictClient(URL), ["math-answer"], num_generations=2)

    def test_signature_and_name(self):
        # TRL logs a reward function by its __name__
        self.assertEqual(self.reward.__name__, "verdict")

    def test_string_completions_grouped_by_num_generations(self):
        # 2 prompts x 2 generations; the second prompt's gold cannot be parsed -> None, not 0
        prompts = ["What is 6*7?", "What is 6*7?", "Half of 1?", "Half of 1?"]
        completions = ["\\boxed{42}", "\\boxed{41}", "\\boxed{0.5}", "\\boxed{1/2}"]
        solution = ["42", "42", "\\frac{1}{", "\\frac{1}{"]
        out = self.reward(prompts=prompts, completions=completions, completion_ids=[[1], [2], [3], [4]], solution=solution, trainer_state=object())
        self.assertEqual(out, [1, 0, None, None])

    def test_conversational_prompts_and_completions(self):
        # chat messages: the last assistant message is scored, multimodal text parts are joined
        prompt = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is 2+2?"}]
        completions = [
            [{"role": "assistant", "content": "\\boxed{4}"}],
            [{"role": "assistant", "content": [{"type": "text", "text": "\\boxed{"}, {"type": "text", "text": "5}"}]}],
        ]
        out = self.reward(prompts=[prompt, prompt], completions=completions, solution=["4", "4"])
        self.assertEqual(out, [1, 0])

    def test_groups_from_equal_prompts_without_num_generations(self):
        # no num_generations: runs of equal prompts are the groups; no reference column -> None
        reward = make_trl_reward(VerdictClient(URL), ["math-answer"], reference_column="answer")
        out = reward(prompts=["a", "a", "b"], completions=["\\boxed{1}", "\\boxed{2}", "\\boxed{3}"], answer=["1", "1", "3"])
        self.assertEqual(out, [1, 0, 1])

    def test_a_missing_reference_column_raises_naming_the_columns(self):
        # the dataset calls it "solution", not "answer": a 400 naming the columns, never a column of None
        reward = make_trl_reward(VerdictClient(URL), ["math-answer"], reference_column="answer")
        with self.assertRaises(VerdictError) as caught:
            reward(prompts=["a"], completions=["\\boxed{1}"], solution=["1"], trainer_state=object())
        self.assertEqual(caught.exception.code, "VERDICT_MISSING_REFERENCE")
        self.assertIn("reference_column='answer' is not a dataset column; columns: solution", str(caught.exception))


@live
class Verl(VerlEnvCase):
    def test_gsm8k_scores_as_verl_strict(self):
        # verl's gsm8k: the last "#### n" equals the bare-number ground truth; a boxed answer alone is 0 there too
        self.assertEqual(compute_score("openai/gsm8k", "48 + 24 = 72\n#### 72", "72"), 1.0)
        self.assertEqual(compute_score("openai/gsm8k", "#### 1,200", "1200"), 1.0)
        self.assertEqual(compute_score("openai/gsm8k", "So the answer is \\boxed{72}.", "72"), 0.0)

    def test_returns_a_float_and_a_null_follows_on_null(self):
        # an unparsable gold is null in Verdict (not a set-up problem): 0.0 by default, NaN when asked
        with self.assertWarns(verdict_client.VerdictNullWarning):
            score = compute_score("lighteval/MATH", "\\boxed{3}", "\\frac{1}{")
        self.assertIsInstance(score, float)
        self.assertEqual(score, 0.0)
        self.assertTrue(math.isnan(compute_score("lighteval/MATH", "\\boxed{3}", "\\frac{2}{", on_null="nan")))

    def test_verdict_rewards_overrides_the_default(self):
        # string-check: exact final answer; ids or a JSON list of specs
        with mock.patch.dict(os.environ, {"VERDICT_REWARDS": "string-check"}):
            self.assertEqual(compute_score("openai/gsm8k", "72", "72"), 1.0)
        with mock.patch.dict(os.environ, {"VERDICT_REWARDS": '[{"id": "string-check", "params": {"operation": "ilike"}}]'}):
            self.assertEqual(compute_score("anything", "It is PARIS", "paris"), 1.0)

    def test_batch_hook_mixes_data_sources_in_one_request(self):
        # a user route for a data_source verl does not know, beside two of verl's own
        out = compute_score_batch(
            data_sources=["openai/gsm8k", "my_dataset", "lighteval/MATH"],
            solution_strs=["#### 5", "Paris", "\\boxed{\\frac12}"],
            ground_truths=["5", "Paris", "0.5"],
            extra_infos=[None, None, None],
            routes={"my_dataset": ["string-check"]},
        )
        self.assertEqual(out, [1.0, 1.0, 1.0])


if __name__ == "__main__":
    unittest.main()
