"""Units and hard bounds, mirrored from contracts/libraries/ConstantsLib.sol."""

WAD = 10**18
DAY = 86_400
YEAR = 365 * DAY

MAX_COLLATERALS = 4
MAX_LIQUIDATION_BONUS = 15 * WAD // 100
MAX_RESERVE_FACTOR = WAD // 2
MAX_RATE_PER_SECOND = 317_097_919_837
LT_DECREASE_DELAY = DAY
MAX_LT_DECREASE_STEP = 5 * WAD // 100
RESERVE_WITHDRAWAL_DELAY = 3 * DAY
MIN_RESERVE_FLOOR = WAD // 100
MAX_BUY_DISCOUNT = WAD // 10
VIRTUAL_SHARES = 10**6
VIRTUAL_ASSETS = 1
DECIMALS_OFFSET = 6

MAX_UINT256 = 2**256 - 1
FEED_DECIMALS = 8
DEAD_ADDRESS = "0x000000000000000000000000000000000000dEaD"

# The contracts of one deployment, in deployment order (each knows the others' addresses in advance).
CORE_CONTRACTS = ("ReserveFund", "LPToken", "Configurator", "LendingPool")


def apr_to_per_second(apr_wad: int) -> int:
    """A yearly rate (WAD) as the per-second rate the rate model stores, rounded down."""
    return apr_wad // YEAR
