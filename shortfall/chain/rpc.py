"""Plain JSON-RPC to a node, batched: the fast path where ape's per-transaction overhead costs.

ape drives about 35 transactions a second; a batch of `eth_sendTransaction` from impersonated accounts
to the same Anvil does thousands. Used to populate many LPs and borrowers, and by later fuzz and
replay engines.
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import requests
from eth_abi import encode
from eth_utils import keccak, to_checksum_address


class RpcError(RuntimeError):
    """A JSON-RPC call failed; the message names the method and the node's error."""


def selector(signature: str) -> bytes:
    """4-byte selector of e.g. 'deposit(uint256,address)'."""
    return keccak(text=signature)[:4]


def split_types(types: str) -> list[str]:
    """'uint256,(uint64,uint64),address' -> ['uint256', '(uint64,uint64)', 'address']."""
    parts, depth, current = [], 0, ""
    for char in types:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    if current:
        parts.append(current)
    return parts


def encode_call(signature: str, *args: Any) -> str:
    """Calldata for `signature` with `args`, as 0x-hex. The same call is encoded once (the fuzzer reads the
    whole state with the same few dozen calls after every step); arguments that cannot be hashed (lists)
    are encoded each time."""
    try:
        return _encode_call_cached(signature, *args)
    except TypeError:
        return _encode_call(signature, *args)


def _encode_call(signature: str, *args: Any) -> str:
    type_list = split_types(signature[signature.index("(") + 1 : -1])
    return "0x" + (selector(signature) + encode(type_list, list(args))).hex()


_encode_call_cached = lru_cache(maxsize=65_536, typed=True)(_encode_call)


def derived_address(label: str, index: int) -> str:
    """A deterministic address nobody holds a key for (used with impersonation on Anvil)."""
    return to_checksum_address(keccak(text=f"shortfall:{label}:{index}")[12:])


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# How a kept-alive connection that the server closed while idle fails on its next request.
STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class LoopbackHttp:
    """POSTs to a node on this machine over one kept-alive `http.client` connection per thread: about
    0.2 ms of CPU a request where `requests` spends 1.5 ms (it reads the proxy settings from the
    environment on every request, among other things). Plain HTTP on a loopback address only; anything
    else goes through `requests`."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.path = parts.path or "/"
        self._local = threading.local()

    @staticmethod
    def serves(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS

    def post(self, body: bytes, timeout: float | None) -> bytes:
        """The response body of a POST of `body` (JSON); raises `requests.HTTPError` on a status other
        than 200 and `requests.ConnectionError` when the node cannot be reached."""
        connection = getattr(self._local, "connection", None)
        reused = connection is not None and connection.timeout == timeout
        if not reused:
            if connection is not None:
                connection.close()
            connection = self._local.connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request("POST", self.path, body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError) as err:
            connection.close()
            self._local.connection = None
            if reused and isinstance(err, STALE):
                # The node closed the kept-alive connection while it was idle: the request never reached it.
                return self.post(body, timeout)
            raise requests.ConnectionError(f"{self.host}:{self.port}: {err!r}") from err
        if response.will_close:
            connection.close()
            self._local.connection = None
        if response.status != 200:
            raise requests.HTTPError(f"{response.status} {response.reason} from {self.host}:{self.port}")
        return data


QUICK_POLLS = 10  # receipt polls before `Rpc.receipts` mines a block to promote a queued transaction


class Rpc:
    """A JSON-RPC client with batching."""

    def __init__(self, url: str, timeout: float = 120.0) -> None:
        self.url = url
        self.timeout = timeout
        self.session = requests.Session()
        self.loopback = LoopbackHttp(url) if LoopbackHttp.serves(url) else None
        self._ids = itertools.count(1)

    def call(self, method: str, *params: Any) -> Any:
        return self.batch([(method, list(params))])[0]

    def batch(self, calls: list[tuple[str, list]]) -> list[Any]:
        """Sends `calls` as one batch; results in order; raises on the first error."""
        results = []
        for item, (method, _) in zip(self.batch_raw(calls), calls, strict=True):
            if "error" in item:
                raise RpcError(f"{method} failed: {item['error']}")
            results.append(item["result"])
        return results

    def batch_raw(self, calls: list[tuple[str, list]]) -> list[dict]:
        """Sends `calls` as one batch; returns each response object ({'result': ...} or {'error': ...})."""
        if not calls:
            return []
        payload = [{"jsonrpc": "2.0", "id": next(self._ids), "method": m, "params": p} for m, p in calls]
        if self.loopback is not None:
            answer = json.loads(self.loopback.post(json.dumps(payload).encode(), self.timeout))
        else:
            response = self.session.post(self.url, json=payload, timeout=self.timeout)
            response.raise_for_status()
            answer = response.json()
        by_id = {item["id"]: item for item in answer}
        return [by_id[request["id"]] for request in payload]

    def send_transactions(self, txs: list[dict], chunk: int = 500) -> list[dict]:
        """Sends `txs` (from impersonated or unlocked accounts) and returns their receipts; raises if any
        reverted, naming its index and target."""
        receipts: list[dict] = []
        txs = self._with_nonces(txs)
        automine = self.call("anvil_getAutomine")
        if not automine:
            self.call("evm_setAutomine", True)
        try:
            self._send_chunks(txs, chunk, receipts)
        finally:
            if not automine:
                self.call("evm_setAutomine", False)
        return receipts

    def _with_nonces(self, txs: list[dict]) -> list[dict]:
        """Explicit nonces: Anvil handles a batch's requests concurrently, and two transactions of one
        sender would otherwise race for the same nonce."""
        senders = list(dict.fromkeys(t["from"] for t in txs))
        counts = self.batch([("eth_getTransactionCount", [s, "pending"]) for s in senders])
        next_nonce = {s: int(c, 16) for s, c in zip(senders, counts, strict=True)}
        out = []
        for t in txs:
            out.append(t | {"nonce": hex(next_nonce[t["from"]])})
            next_nonce[t["from"]] += 1
        return out

    def _send_chunks(self, txs: list[dict], chunk: int, receipts: list[dict]) -> None:
        """Sends in waves that hold at most one transaction per sender (Anvil handles a batch's requests
        concurrently, so two of one sender in one batch may arrive out of nonce order). Transactions of
        one sender keep their order; those of different senders may interleave."""
        position: dict[str, int] = {}
        waves: list[list[dict]] = []
        for t in txs:
            index = position.get(t["from"], 0)
            position[t["from"]] = index + 1
            if index == len(waves):
                waves.append([])
            waves[index].append(t)
        for wave in waves:
            self._send_wave(wave, chunk, receipts)

    def _send_wave(self, txs: list[dict], chunk: int, receipts: list[dict]) -> None:
        for start in range(0, len(txs), chunk):
            part = txs[start : start + chunk]
            hashes = self.batch([("eth_sendTransaction", [tx]) for tx in part])
            got = self.receipts(hashes)
            for offset, receipt in enumerate(got):
                if receipt is None or int(receipt["status"], 16) != 1:
                    tx = part[offset]
                    raise RpcError(
                        f"transaction {start + offset} to {tx.get('to')} from {tx['from']} failed: {receipt}"
                    )
            receipts.extend(got)

    def receipts(self, hashes: list[str], attempts: int = 200) -> list[dict | None]:
        """Receipts of `hashes`; Anvil may still be mining part of a batch, so missing ones are polled."""
        got: list[dict | None] = [None] * len(hashes)
        for attempt in range(attempts):
            missing = [i for i, r in enumerate(got) if r is None]
            if not missing:
                break
            for i, receipt in zip(
                missing, self.batch([("eth_getTransactionReceipt", [hashes[i]]) for i in missing]), strict=True
            ):
                got[i] = receipt
            if any(r is None for r in got):
                if attempt < QUICK_POLLS:
                    # Automine answers eth_sendTransaction before the block is mined: a third of the
                    # time the receipt is not there yet on the first poll, and is a millisecond later.
                    time.sleep(0.0005)
                    continue
                # Anvil handles a batch concurrently: a transaction that arrived before its sender's
                # previous nonce waits in the queue until the next block; mine one to promote it.
                self.call("evm_mine")
                time.sleep(0.005)
        return got

    def impersonate_all(self) -> None:
        """Anvil: accept eth_sendTransaction from any address."""
        self.call("anvil_autoImpersonateAccount", True)

    def set_balances(self, addresses: list[str], wei: int = 10**21) -> None:
        self.batch([("anvil_setBalance", [a, hex(wei)]) for a in addresses])


def tx(sender: str, to: str, data: str, gas: int = 1_000_000) -> dict:
    """An eth_sendTransaction object with a fixed gas limit (no estimation round trip)."""
    return {"from": sender, "to": to, "data": data, "gas": hex(gas)}


def provider_url(provider: Any) -> str:
    """The HTTP JSON-RPC URL behind an ape provider (ape-foundry or ape's node provider)."""
    for attribute in ("http_uri", "uri"):
        url = getattr(provider, attribute, None)
        if isinstance(url, str) and url.startswith("http"):
            return url
    return provider.web3.provider.endpoint_uri
