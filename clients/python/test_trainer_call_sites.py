"""End to end, one per trainer protocol: each test calls the adapter the way that trainer's own call
site does (arguments, batch shapes, what it does with the return value), against a live Verdict
(VERDICT_URL). There is no PyPI here, so no torch, numpy or trainer: each emulation reproduces only
what the call site passes and does with the result, in plain Python, and names the code it follows.
"""

import json
import math
import unittest
import urllib.error
import urllib.request
import warnings

import verdict_client
from verdict_client import VerdictClient, compute_score, compute_score_batch, make_trl_reward
from verl_env import URL, VerlEnvCase, live


def nansum(row):
    """torch.nansum over one row."""
    return sum(v for v in row if not math.isnan(v))


@live
class TrlGRPOTrainer(unittest.TestCase):
    """trl/trainer/grpo_trainer.py, GRPOTrainer._calculate_rewards and _generate_and_score_completions."""

    def calculate_rewards(self, reward_funcs, inputs, completions, completion_ids_list, reward_weights):
        # keys = [key for key in inputs[0] if key not in ["prompt", "completion", "completion_ids"]]
        prompts = [x["prompt"] for x in inputs]
        keys = [key for key in inputs[0] if key not in ["prompt", "completion", "completion_ids"]]
        reward_kwargs = {key: [example[key] for example in inputs] for key in keys}
        reward_kwargs["trainer_state"] = object()  # TrainerState
        rewards_per_func = [[0.0] * len(reward_funcs) for _ in prompts]
        for i, reward_func in enumerate(reward_funcs):
            output = reward_func(prompts=prompts, completions=completions, completion_ids=completion_ids_list, **reward_kwargs)
            # "Convert None values to NaN", then torch.tensor(..., dtype=torch.float32)
            output = [r if r is not None else math.nan for r in output]
            for row, value in zip(rewards_per_func, output):
                row[i] = float(value)
        # rewards = (rewards_per_func * self.reward_weights.unsqueeze(0)).nansum(dim=1)
        return [nansum([v * w for v, w in zip(row, reward_weights)]) for row in rewards_per_func]

    def test_conversational_dataset_two_prompts_four_generations(self):
        # RepeatSampler yields each prompt num_generations times in a row; columns beside "prompt" are
        # passed to reward functions as lists; conversational completions are [{"role": "assistant", ...}]
        num_generations = 4
        rows = [
            {"prompt": [{"role": "user", "content": "What is 6*7?"}], "solution": "42", "source": "synthetic"},
            {"prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Half of 1?"}], "solution": "\\frac{1}{2}", "source": "synthetic"},
        ]
        inputs = [dict(row) for row in rows for _ in range(num_generations)]
        texts = ["<think>6*7</think>\\boxed{42}", "\\boxed{41}", "<think>x</think>42", "", "\\boxed{0.5}", "<think>half</think>\\boxed{1/2}", "\\boxed{2}", "I don't know"]
        completions = [[{"role": "assistant", "content": t}] for t in texts]
        completion_ids = [[ord(c) for c in t][:8] for t in texts]
        accuracy = make_trl_reward(VerdictClient(URL), ["math-answer"], reference_column="solution", num_generations=num_generations, name="accuracy")
        fmt = make_trl_reward(VerdictClient(URL), ["think-format"], num_generations=num_generations, name="format")
        self.assertEqual((accuracy.__name__, fmt.__name__), ("accuracy", "format"))  # TRL logs rewards/<__name__>/mean
        rewards = self.calculate_rewards([accuracy, fmt], inputs, completions, completion_ids, [1.0, 0.5])
        self.assertEqual(len(rewards), len(inputs))
        self.assertTrue(all(isinstance(r, float) and not math.isnan(r) for r in rewards))
        self.assertEqual(rewards[:2], [1.5, 0.0])
        self.assertEqual(rewards[4], 1.0)

    def test_standard_dataset_with_a_missing_column_stops_the_step(self):
        # a misnamed column: TRL would call with answer=[...]; the reward function raises, it does not return None
        inputs = [{"prompt": "What is 6*7?", "answer": "42"}] * 2
        accuracy = make_trl_reward(VerdictClient(URL), ["math-answer"], reference_column="solution", num_generations=2)
        with self.assertRaises(verdict_client.VerdictError) as caught:
            self.calculate_rewards([accuracy], inputs, ["\\boxed{42}", "\\boxed{1}"], [[1], [2]], [1.0])
        self.assertIn("columns: answer", str(caught.exception))

    def test_a_null_is_nan_in_its_function_and_the_step_is_warned_once(self):
        # an unparsable gold: None -> NaN -> nansum makes it 0 for the completion; the adapter warns once
        inputs = [{"prompt": "q", "solution": "\\frac{1}{"}] * 2
        accuracy = make_trl_reward(VerdictClient(URL), ["math-answer"], reference_column="solution", num_generations=2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rewards = self.calculate_rewards([accuracy], inputs, ["\\boxed{1}", "\\boxed{2}"], [[1], [2]], [1.0])
        self.assertEqual(rewards, [0.0, 0.0])
        self.assertEqual(len([w for w in caught if issubclass(w.category, verdict_client.VerdictNullWarning)]), 1)


@live
class VerlRewardManagers(VerlEnvCase):
    """verl/workers/reward_manager: BatchRewardManager.verify (one call per step, keyword lists) and
    NaiveRewardManager.__call__ (one keyword call per sample); both write the score at the response's
    last valid token: reward_tensor[i, valid_response_length - 1] = reward."""

    # a batch as verl's data preprocessing writes it: data_source, reward_model.ground_truth, extra_info
    batch = [
        ("openai/gsm8k", "48 + 24 = 72\n#### 72", {"style": "rule", "ground_truth": "72"}, 5),
        ("searchR1_nq", "<think>who</think><answer>Paris</answer>", {"style": "rule", "ground_truth": {"target": ["Paris"]}}, 7),
        ("hiyouga/geometry3k", "<think>sum</think> \\boxed{30}", {"style": "rule", "ground_truth": "30"}, 3),
        ("lighteval/MATH", "\\boxed{3}", {"style": "rule", "ground_truth": "4"}, 2),
    ]
    expected = [1.0, 1.0, 1.0, 0.0]

    def reward_tensor(self, scores, lengths, width=8):
        tensor = [[0.0] * width for _ in scores]
        for i, (score, length) in enumerate(zip(scores, lengths)):
            tensor[i][length - 1] = float(score)  # fails for None, as torch's assignment does
        return tensor

    def test_batch_reward_manager(self):
        data_sources = [b[0] for b in self.batch]
        responses = [b[1] for b in self.batch]
        ground_truths = [b[2].get("ground_truth", None) for b in self.batch]
        extras = [{"index": i, "split": "train"} for i in range(len(self.batch))]
        scores = compute_score_batch(data_sources=data_sources, solution_strs=responses, ground_truths=ground_truths, extra_infos=extras)
        self.assertEqual(scores, self.expected)
        tensor = self.reward_tensor(scores, [b[3] for b in self.batch])
        self.assertEqual([row[b[3] - 1] for row, b in zip(tensor, self.batch)], self.expected)

    def test_naive_reward_manager(self):
        scores = []
        for i, (source, response, reward_model, _length) in enumerate(self.batch):
            result = compute_score(data_source=source, solution_str=response, ground_truth=reward_model["ground_truth"], extra_info={"index": i})
            reward = result["score"] if isinstance(result, dict) else result
            self.assertIsInstance(reward, float)
            scores.append(reward)
        self.assertEqual(scores, self.expected)

    def test_an_unknown_data_source_fails_the_step_as_verl_does(self):
        with self.assertRaises(NotImplementedError):
            compute_score(data_source="mbpp", solution_str="x", ground_truth="{}", extra_info=None)

    def test_reward_kwargs_reach_the_hook(self):
        # custom_reward_function.reward_kwargs: verl binds them with functools.partial
        import functools

        hook = functools.partial(compute_score_batch, routes={"mbpp": ["code-tests"]}, on_null="zero")
        mbpp = {"test_list": ["assert add(1, 2) == 3"], "test_setup_code": ""}
        code = "```python\ndef add(a, b):\n    return a + b\n```"
        self.assertEqual(hook(data_sources=["mbpp"], solution_strs=[code], ground_truths=[json.dumps(mbpp)], extra_infos=[None]), [1.0])


@live
class OpenRlhfRemoteRm(unittest.TestCase):
    """openrlhf/utils/remote_rm_utils.py: remote_rm_fn posts {"query", "prompts", "labels"} with only a
    Content-Type header, reads response["rewards"] and makes torch.tensor(scores) of it."""

    def remote_rm_fn(self, api_url, queries, prompts, labels, score_key="rewards"):
        data = json.dumps({"query": queries, "prompts": prompts, "labels": labels}).encode()
        request = urllib.request.Request(api_url, data=data, method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=180) as response:
            body = json.loads(response.read())
        self.assertIn(score_key, body)
        scores = body.get(score_key)
        # torch.tensor(scores): a list of numbers, None refused
        self.assertTrue(all(isinstance(s, (int, float)) and not isinstance(s, bool) for s in scores), scores)
        return [float(s) for s in scores], body

    def test_two_prompts_two_samples_each(self):
        template = "<|im_start|>user\n%s<|im_end|>\n<|im_start|>assistant\n"
        prompts = [template % "6*7?"] * 2 + [template % "2+2?"] * 2
        responses = ["<think>6*7</think>\\boxed{42}<|im_end|>", "\\boxed{41}<|im_end|>", "\\boxed{4}<|im_end|>", "<think>x</think>\\boxed{5}<|im_end|>"]
        queries = [p + r for p, r in zip(prompts, responses)]
        labels = ["42", "42", "4", "4"]
        scores, body = self.remote_rm_fn(URL + "/v1/openrlhf?rewards=math-answer", queries, prompts, labels)
        self.assertEqual(scores, [1.0, 0.0, 1.0, 0.0])
        self.assertEqual(body["warnings"], [])

    def test_without_label_key_the_call_fails_loudly(self):
        # no --label_key: labels are None; OpenRLHF retries a failed request and then raises
        data = json.dumps({"query": ["q a"], "prompts": ["q "], "labels": [None]}).encode()
        request = urllib.request.Request(URL + "/v1/openrlhf?rewards=math-answer", data=data, method="POST", headers={"Content-Type": "application/json"})
        with self.assertRaises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=30)
        body = json.loads(caught.exception.read())
        self.assertEqual((caught.exception.code, body["code"], body["details"][0]["pointer"]), (400, "VERDICT_MISSING_REFERENCE", "/labels/0"))


if __name__ == "__main__":
    unittest.main()
