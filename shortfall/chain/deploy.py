"""Deploying a Shortfall system: ReserveFund, LPToken, Configurator and LendingPool wired by predicted
addresses.

The four contracts reference each other immutably. The ReserveFund, the LPToken and the Configurator are
deployed first with the pool's address, the one the fourth deployment of the same account will get
(CREATE: keccak(rlp(sender, nonce))); the LendingPool's constructor then checks the wiring and reverts
with `WiringMismatch` if any other transaction came in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import rlp
from eth_utils import keccak, to_bytes, to_checksum_address

from shortfall.chain.params import CollateralParams, FeedConfig, PoolParams, default_max_answer
from shortfall.constants import FEED_DECIMALS


def create_address(sender: str, nonce: int) -> str:
    """The address a CREATE from `sender` at `nonce` deploys to."""
    return to_checksum_address(keccak(rlp.encode([to_bytes(hexstr=sender), nonce]))[12:])


@dataclass
class Deployment:
    """A deployed system and the tokens and feeds around it."""

    pool: Any
    lp_token: Any
    reserve_fund: Any
    configurator: Any
    asset: Any
    asset_feed: Any
    collaterals: dict[str, Any] = field(default_factory=dict)
    feeds: dict[str, Any] = field(default_factory=dict)

    @property
    def contracts(self) -> dict[str, Any]:
        return {
            "LendingPool": self.pool,
            "LPToken": self.lp_token,
            "ReserveFund": self.reserve_fund,
            "Configurator": self.configurator,
        }


def deploy_core(
    project: Any,
    deployer: Any,
    asset: Any,
    asset_feed: Any,
    params: PoolParams,
    owner: str | None = None,
    loan_bounds: tuple[int, int] | None = None,
) -> tuple[Any, Any, Any, Any]:
    """Deploys ReserveFund, LPToken, Configurator and LendingPool in four consecutive transactions of
    `deployer`; returns (pool, lp_token, reserve_fund, configurator). The loan feed's bounds (min, max
    answer) are fixed here, FeedConfig's defaults unless `loan_bounds` says otherwise."""
    owner = owner or deployer.address
    nonce = deployer.nonce
    lp_address = create_address(deployer.address, nonce + 1)
    pool_address = create_address(deployer.address, nonce + 3)
    reserve = deployer.deploy(
        project.ReserveFund,
        owner,
        pool_address,
        lp_address,
        asset.address,
        params.reserve.floor,
        params.reserve.buy_discount,
    )
    lp_token = deployer.deploy(
        project.LPToken, asset.address, pool_address, reserve.address, params.lp_name, params.lp_symbol
    )
    configurator = deployer.deploy(project.Configurator, owner, pool_address, asset.address)
    loan_feed = FeedConfig(asset_feed.address, params.loan_heartbeat, *(loan_bounds or ()))
    pool = deployer.deploy(
        project.LendingPool,
        asset.address,
        lp_token.address,
        reserve.address,
        configurator.address,
        loan_feed.as_tuple(),
        params.rate_model.as_tuple(),
        params.risk.as_tuple(),
    )
    return pool, lp_token, reserve, configurator


def deploy_mock_token(project: Any, deployer: Any, symbol: str, decimals: int) -> Any:
    """A mintable test token (local networks only)."""
    return deployer.deploy(project.ERC20Mock, f"Mock {symbol}", symbol, decimals)


def deploy_feed(project: Any, deployer: Any, price: float | int, decimals: int = FEED_DECIMALS) -> Any:
    """A settable price feed answering `price` (in whole quote units) (local networks only)."""
    return deployer.deploy(project.SettableFeed, decimals, to_answer(price, decimals))


def to_answer(price: float | int, decimals: int = FEED_DECIMALS) -> int:
    """A price in quote units as a feed answer with `decimals`."""
    return round(price * 10**decimals)


def list_collateral(
    configurator: Any,
    token: Any,
    feed: Any,
    params: CollateralParams,
    owner: Any,
    heartbeat: int = 86_400,
    bounds: tuple[int, int] | None = None,
) -> None:
    """Lists `token` as collateral priced by `feed`; `bounds` (min, max answer) default to FeedConfig's."""
    config = FeedConfig(feed.address, heartbeat, *(bounds or ()))
    configurator.listCollateral(token.address, config.as_tuple(), params.as_tuple(), sender=owner)


def deploy_local_system(
    project: Any,
    deployer: Any,
    asset_decimals: int = 6,
    collaterals: dict[str, tuple[int, float] | tuple[int, float, int]] | None = None,
    params: PoolParams | None = None,
    collateral_params: CollateralParams | None = None,
    asset_feed_decimals: int = FEED_DECIMALS,
    loan_bounds: tuple[int, int] | None = None,
    collateral_bounds: dict[str, tuple[int, int]] | None = None,
) -> Deployment:
    """A whole system on a local network: mock loan asset at $1, mock collaterals with settable feeds.

    `collaterals` maps a symbol to (decimals, price) or (decimals, price, feed decimals); the default is
    one WETH-like collateral at $2,000. Feeds have FEED_DECIMALS unless given (`asset_feed_decimals` for
    the loan asset's); every feed's bounds are (0, default_max_answer(its decimals)) unless `loan_bounds`
    sets the loan feed's, or `collateral_bounds` (symbol -> (min, max answer)) a collateral feed's.
    """
    params = params or PoolParams()
    collaterals = collaterals or {"WETH": (18, 2_000)}
    asset = deploy_mock_token(project, deployer, "USDC" if asset_decimals == 6 else "DAI", asset_decimals)
    asset_feed = deploy_feed(project, deployer, 1, asset_feed_decimals)
    loan_bounds = loan_bounds or (0, default_max_answer(asset_feed_decimals))
    pool, lp_token, reserve, configurator = deploy_core(
        project, deployer, asset, asset_feed, params, loan_bounds=loan_bounds
    )
    deployment = Deployment(pool, lp_token, reserve, configurator, asset, asset_feed)
    for symbol, (decimals, price, *rest) in collaterals.items():
        feed_decimals = rest[0] if rest else FEED_DECIMALS
        token = deploy_mock_token(project, deployer, symbol, decimals)
        feed = deploy_feed(project, deployer, price, feed_decimals)
        bounds = (collateral_bounds or {}).get(symbol) or (0, default_max_answer(feed_decimals))
        list_collateral(configurator, token, feed, collateral_params or CollateralParams(), deployer, bounds=bounds)
        deployment.collaterals[symbol] = token
        deployment.feeds[symbol] = feed
    return deployment
