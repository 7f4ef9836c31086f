"""What the verl adapter tests share: the live server's URL, and a clean environment per test (the
adapter reads VERDICT_* variables and keeps one client per process)."""

import os
import unittest
from unittest import mock

import verdict_client

URL = os.environ.get("VERDICT_URL")
live = unittest.skipUnless(URL, "VERDICT_URL is not set: no live Verdict server")


class VerlEnvCase(unittest.TestCase):
    """VERDICT_URL set to the live server (when there is one), no VERDICT_REWARDS, VERDICT_ROUTES or
    VERDICT_ON_NULL, and a fresh module client, undone after each test."""

    def setUp(self):
        self.env = mock.patch.dict(os.environ, {"VERDICT_URL": URL} if URL else {})
        self.env.start()
        for name in ("VERDICT_REWARDS", "VERDICT_ROUTES", "VERDICT_ON_NULL"):
            os.environ.pop(name, None)
        verdict_client._env_client = None

    def tearDown(self):
        self.env.stop()
        verdict_client._env_client = None
