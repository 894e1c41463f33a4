"""ABI coverage: which functions, custom errors and events of the system contracts the tests exercised.

`AbiCoverage.install()` wraps ape's contract calls and transactions; every call records its function
selector, every receipt its event topics, every revert its error selector. `missing()` lists what a
contract's ABI has that was never seen, less the entries known to be unreachable (each with its reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ape.contracts.base import ContractCall, ContractContainer, ContractTransaction
from ape.exceptions import ContractLogicError, CustomError
from eth_utils import keccak

# Entries of the ABIs that no transaction can reach, with the reason. Reviewed by hand; keep it short.
UNREACHABLE: dict[str, str] = {
    "ERC20InvalidSender": (
        "OpenZeppelin ERC20: transfer sends from msg.sender; transferFrom(0, ...) reverts first with "
        "ERC20InvalidApprover when it spends the zero address's allowance"
    ),
}

_HEX_SELECTOR = re.compile(r"0x([0-9a-fA-F]{8})")


def selector_of(signature: str) -> str:
    """The 4-byte selector of a function or error signature, as 0x-hex."""
    return "0x" + keccak(text=signature)[:4].hex()


def topic_of(signature: str) -> str:
    """The topic0 of an event signature, as 0x-hex."""
    return "0x" + keccak(text=signature).hex()


@dataclass
class AbiCoverage:
    """Selectors and topics seen during a test session."""

    functions: set[str] = field(default_factory=set)
    errors: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)

    def install(self) -> None:
        """Wraps ape's ContractCall and ContractTransaction so that every use is recorded."""
        coverage = self
        original_call = ContractCall.__call__
        original_transact = ContractTransaction.__call__

        def call(self: ContractCall, *args: Any, **kwargs: Any) -> Any:
            coverage.functions.add(selector_of(self.abi.selector))
            try:
                return original_call(self, *args, **kwargs)
            except ContractLogicError as err:
                coverage.record_error(err)
                raise

        def transact(self: ContractTransaction, *args: Any, **kwargs: Any) -> Any:
            coverage.functions.add(selector_of(self.abi.selector))
            try:
                receipt = original_transact(self, *args, **kwargs)
            except ContractLogicError as err:
                coverage.record_error(err)
                raise
            coverage.record_receipt(receipt)
            return receipt

        original_deploy = ContractContainer.deploy

        def deploy(self: ContractContainer, *args: Any, **kwargs: Any) -> Any:
            try:
                instance = original_deploy(self, *args, **kwargs)
            except ContractLogicError as err:
                coverage.record_error(err)
                raise
            txn_hash = getattr(instance, "txn_hash", None)
            if txn_hash:
                coverage.record_receipt(instance.chain_manager.get_receipt(txn_hash))
            return instance

        ContractCall.__call__ = call
        ContractTransaction.__call__ = transact
        ContractContainer.deploy = deploy

    def record_error(self, err: ContractLogicError) -> None:
        if isinstance(err, CustomError):
            self.errors.add(selector_of(err.abi.selector))
            return
        match = _HEX_SELECTOR.search(str(err.revert_message or ""))
        if match:
            self.errors.add("0x" + match.group(1).lower())

    def record_receipt(self, receipt: Any) -> None:
        for log in receipt.logs:
            topics = log.get("topics") or []
            if topics:
                topic = topics[0]
                self.events.add(topic if isinstance(topic, str) else "0x" + bytes(topic).hex())

    def record_raw(self, selector: str | None = None, logs: list[dict] | None = None, error: str | None = None) -> None:
        """For transactions sent without ape (raw JSON-RPC): record them too."""
        if selector:
            self.functions.add(selector.lower())
        if error:
            self.errors.add(error.lower())
        for log in logs or []:
            if log.get("topics"):
                self.events.add(log["topics"][0].lower())

    def missing(self, contract_type: Any) -> list[str]:
        """What `contract_type`'s ABI has that was never exercised, less UNREACHABLE."""
        missing = []
        for abi in contract_type.abi:
            kind = abi.type
            if kind == "function" and selector_of(abi.selector) not in self.functions:
                missing.append(f"function {abi.selector}")
            elif kind == "error" and selector_of(abi.selector) not in self.errors and abi.name not in UNREACHABLE:
                missing.append(f"error {abi.selector}")
            elif kind == "event" and topic_of(abi.selector) not in self.events:
                missing.append(f"event {abi.selector}")
        return missing
