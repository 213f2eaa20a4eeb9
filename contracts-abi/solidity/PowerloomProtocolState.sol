// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/**
 * @title PowerloomProtocolState
 * @notice The sequencer-facing surface of Powerloom Protocol V2's protocol-state contract, in one
 *         self-contained contract for local networks and tests.
 *
 * Production splits this surface over a proxy (PowerloomProtocolState), one contract per data market
 * and a snapshotter-nodes contract. Here a data market is only an address key inside this contract,
 * so one deployment serves any number of markets. Function signatures, event signatures and the
 * revert codes the sequencer relies on are the production ones, so existing clients work unchanged.
 *
 * Admin surface (our own, simpler than production's factory):
 *   createDataMarket(dataMarket, epochSize, snapshotSubmissionWindow, batchSubmissionWindow, epochManager)
 *   addSequencer / removeSequencer, updateEpochManager, update*SubmissionWindow, toggleDataMarket,
 *   registerSlot / setSlotSnapshotter / deactivateSlot, transferOwnership. All owner only.
 *
 * Revert codes (revert strings). E04, E23, E24, E25, E43 are the codes of SPEC section 7; the others
 * reuse production's meaning where one exists:
 *   E02  data market unknown or disabled
 *   E03  caller is not the owner
 *   E04  caller is not a sequencer of the data market
 *   E05  caller is not the data market's epoch manager
 *   E09  already exists (data market created twice, slot registered twice)
 *   E18  zero address where an account is required (sequencer, epoch manager, new owner)
 *   E20  epoch end is before its begin
 *   E21  epoch size is wrong (releaseEpoch: end - begin + 1 != EPOCH_SIZE; createDataMarket: size 0)
 *   E22  epoch is not continuous (begin != previous end + 1)
 *   E23  projectIds and snapshotCids lengths differ
 *   E24  projectIds/snapshotCids are empty, or one snapshot CID is the empty string
 *   E25  a project already has a snapshot CID for that epoch
 *   E29  slot unknown, or zero snapshotter address
 *   E30  epoch not released yet (epochId 0 or above the last released epoch)
 *   E43  batch submissions of the epoch are closed (after endBatchSubmissions)
 *   E19  slotIds and submissionsList lengths differ (accounting updates)
 *   E38  accounting update for a day that is neither the current nor the previous one
 *   E48  a slot of the update was already rewarded for that day (its final count is on chain)
 *   E21  also: a day size that gives zero epochs a day (updateDaySize)
 *
 * Snapshotter accounting (SPEC section 10), production's signatures and events with the data market as first
 * argument: DAY_SIZE, SOURCE_CHAIN_BLOCK_TIME (seconds x 1e4), epochsInADay = DAY_SIZE / (block time x EPOCH_SIZE),
 * dayCounter (from 1; releaseEpoch/forceSkipEpoch start a new day when epochId % epochsInADay == 1 && epochId > 1,
 * emitting DayStartedEvent), dailySnapshotQuota (1000), updateSubmissionCounts (periodic absolute counts),
 * updateEligibleNodesForDay, updateEligibleSubmissionCountsForDay (final counts; a slot at or above the quota is
 * marked rewarded and emits DailyTaskCompletedEvent). Our additions: the views slotRewardedForDay and
 * SOURCE_CHAIN_BLOCK_TIME, admin updateSourceChainBlockTime, and the events DailySnapshotQuotaUpdated and
 * DaySizeUpdated so that a chain watcher sees parameter changes in order with the releases.
 */
contract PowerloomProtocolState {
    /// Node (slot) record; the field order is production's PowerloomNodes.NodeInfo.
    struct NodeInfo {
        address snapshotterAddress;
        uint256 nodePrice;
        uint256 amountSentOnL1;
        uint256 mintedOn;
        uint256 burnedOn;
        uint256 lastUpdated;
        bool isLegacy;
        bool claimedTokens;
        bool active;
        bool isKyced;
    }

    /// Per data market configuration and epoch counters.
    struct DataMarket {
        bool exists;
        bool enabled;
        uint8 epochSize;
        uint256 snapshotSubmissionWindow;
        uint256 batchSubmissionWindow;
        address epochManager;
        uint256 epochIdCounter;
        uint256 currentBegin;
        uint256 currentEnd;
        address[] sequencers;
        mapping(address => uint256) sequencerIndexPlusOne;
        // accounting (SPEC section 10)
        uint256 daySize;
        uint256 sourceChainBlockTime;
        uint256 epochsInADay;
        uint256 dayCounter;
        uint256 dailySnapshotQuota;
    }

    /// Production's defaults: a day of 86,400 s (x 1e4) and Ethereum's 12 s blocks (x 1e4).
    uint256 private constant DEFAULT_DAY_SIZE = 864000000;
    uint256 private constant DEFAULT_SOURCE_CHAIN_BLOCK_TIME = 120000;
    uint256 private constant DEFAULT_DAILY_SNAPSHOT_QUOTA = 1000;

    /// What is known of one released epoch.
    struct EpochRecord {
        uint256 timestamp;
        uint256 blocknumber;
        uint256 epochEnd;
    }

    address public owner;

    mapping(address => DataMarket) private markets;
    mapping(address => mapping(uint256 => EpochRecord)) private epochs;
    mapping(address => mapping(uint256 => bool)) private completed;
    mapping(address => mapping(uint256 => string[])) private batchCidsOfEpoch;
    mapping(address => mapping(string => mapping(uint256 => string))) private snapshotCidOf;
    mapping(address => mapping(string => uint256)) private lastFinalizedEpochOf;
    mapping(address => mapping(string => bytes32)) private finalizedRootOfBatch;

    mapping(address => mapping(uint256 => mapping(uint256 => uint256))) private submissionCounts; // dm, slot, day
    mapping(address => mapping(uint256 => mapping(uint256 => bool))) private rewarded; // dm, slot, day
    mapping(address => mapping(uint256 => uint256)) private eligibleNodes; // dm, day

    mapping(uint256 => NodeInfo) private nodes;
    uint256 private nodeCount;
    uint256 private activeNodeCount;

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event DataMarketCreated(address indexed dataMarketAddress, uint8 epochSize, uint256 snapshotSubmissionWindow,
        uint256 batchSubmissionWindow, address epochManager);
    event DataMarketToggled(address indexed dataMarketAddress, bool enabled);
    event SequencersUpdated(address indexed dataMarketAddress, address sequencerAddress, bool allowed);
    event EpochManagerUpdated(address indexed dataMarketAddress, address epochManager);
    event SubmissionWindowsUpdated(address indexed dataMarketAddress, uint256 snapshotSubmissionWindow,
        uint256 batchSubmissionWindow);
    event SlotSnapshotterUpdated(uint256 indexed slotId, address indexed snapshotter, bool active);
    event EpochReleased(address indexed dataMarketAddress, uint256 indexed epochId, uint256 begin, uint256 end,
        uint256 timestamp);
    event SnapshotBatchSubmitted(address indexed dataMarketAddress, string batchCid, uint256 indexed epochId,
        uint256 timestamp);
    event DelayedBatchSubmitted(address indexed dataMarketAddress, string batchCid, uint256 indexed epochId,
        uint256 timestamp);
    event BatchSubmissionsCompleted(address indexed dataMarketAddress, uint256 indexed epochId, uint256 timestamp);
    event DayStartedEvent(address indexed dataMarketAddress, uint256 dayId, uint256 timestamp);
    event DailyTaskCompletedEvent(address indexed dataMarketAddress, address snapshotterAddress, uint256 slotId,
        uint256 dayId, uint256 timestamp);
    event DailySnapshotQuotaUpdated(address indexed dataMarketAddress, uint256 dailySnapshotQuota);
    event DaySizeUpdated(address indexed dataMarketAddress, uint256 daySize, uint256 epochsInADay);

    modifier onlyOwner() {
        require(msg.sender == owner, "E03");
        _;
    }

    modifier activeMarket(address dataMarket) {
        require(markets[dataMarket].enabled, "E02");
        _;
    }

    modifier onlySequencer(address dataMarket) {
        require(markets[dataMarket].sequencerIndexPlusOne[msg.sender] != 0, "E04");
        _;
    }

    constructor() {
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
    }

    // ------------------------------------------------------------------ owner and data markets

    /// Hands the admin role to another account.
    function transferOwnership(address newOwner) external onlyOwner {
        require(newOwner != address(0), "E18");
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    /// Creates (and enables) a data market keyed by its address.
    function createDataMarket(address dataMarket, uint8 epochSize, uint256 snapshotSubmissionWindow_,
        uint256 batchSubmissionWindow_, address epochManager_) external onlyOwner {
        require(dataMarket != address(0) && epochManager_ != address(0), "E18");
        require(epochSize > 0, "E21");
        DataMarket storage m = markets[dataMarket];
        require(!m.exists, "E09");
        m.exists = true;
        m.enabled = true;
        m.epochSize = epochSize;
        m.snapshotSubmissionWindow = snapshotSubmissionWindow_;
        m.batchSubmissionWindow = batchSubmissionWindow_;
        m.epochManager = epochManager_;
        m.daySize = DEFAULT_DAY_SIZE;
        m.sourceChainBlockTime = DEFAULT_SOURCE_CHAIN_BLOCK_TIME;
        m.epochsInADay = DEFAULT_DAY_SIZE / (DEFAULT_SOURCE_CHAIN_BLOCK_TIME * epochSize);
        m.dayCounter = 1;
        m.dailySnapshotQuota = DEFAULT_DAILY_SNAPSHOT_QUOTA;
        emit DataMarketCreated(dataMarket, epochSize, snapshotSubmissionWindow_, batchSubmissionWindow_, epochManager_);
    }

    /// Enables or disables an existing data market; a disabled market rejects epochs and batches with E02.
    function toggleDataMarket(address dataMarket, bool enabled) external onlyOwner {
        require(markets[dataMarket].exists, "E02");
        markets[dataMarket].enabled = enabled;
        emit DataMarketToggled(dataMarket, enabled);
    }

    /// Whether the data market exists and is enabled.
    function dataMarketEnabled(address dataMarket) external view returns (bool) {
        return markets[dataMarket].enabled;
    }

    /// Allows an account to submit batches for the market (no-op when it already may).
    function addSequencer(address dataMarket, address sequencer) external onlyOwner {
        require(sequencer != address(0), "E18");
        DataMarket storage m = markets[dataMarket];
        require(m.exists, "E02");
        if (m.sequencerIndexPlusOne[sequencer] != 0) {
            return;
        }
        m.sequencers.push(sequencer);
        m.sequencerIndexPlusOne[sequencer] = m.sequencers.length;
        emit SequencersUpdated(dataMarket, sequencer, true);
    }

    /// Withdraws an account's right to submit batches for the market (no-op when it has none).
    function removeSequencer(address dataMarket, address sequencer) external onlyOwner {
        DataMarket storage m = markets[dataMarket];
        require(m.exists, "E02");
        uint256 indexPlusOne = m.sequencerIndexPlusOne[sequencer];
        if (indexPlusOne == 0) {
            return;
        }
        address last = m.sequencers[m.sequencers.length - 1];
        m.sequencers[indexPlusOne - 1] = last;
        m.sequencerIndexPlusOne[last] = indexPlusOne;
        m.sequencers.pop();
        delete m.sequencerIndexPlusOne[sequencer];
        emit SequencersUpdated(dataMarket, sequencer, false);
    }

    /// The accounts allowed to submit batches for the market.
    function getSequencers(address dataMarket) external view returns (address[] memory) {
        return markets[dataMarket].sequencers;
    }

    /// Number of sequencers of the market.
    function getTotalSequencersCount(address dataMarket) external view returns (uint256) {
        return markets[dataMarket].sequencers.length;
    }

    /// Whether the account is a sequencer of the market.
    function isSequencer(address dataMarket, address account) external view returns (bool) {
        return markets[dataMarket].sequencerIndexPlusOne[account] != 0;
    }

    /// Sets the account allowed to release epochs for the market.
    function updateEpochManager(address dataMarket, address epochManager_) external onlyOwner {
        require(epochManager_ != address(0), "E18");
        require(markets[dataMarket].exists, "E02");
        markets[dataMarket].epochManager = epochManager_;
        emit EpochManagerUpdated(dataMarket, epochManager_);
    }

    /// The account allowed to release epochs for the market.
    function epochManager(address dataMarket) external view returns (address) {
        return markets[dataMarket].epochManager;
    }

    /// Sets the snapshot submission window (seconds after release, read by the sequencer).
    function updateSnapshotSubmissionWindow(address dataMarket, uint256 newWindow) external onlyOwner {
        DataMarket storage m = markets[dataMarket];
        require(m.exists, "E02");
        m.snapshotSubmissionWindow = newWindow;
        emit SubmissionWindowsUpdated(dataMarket, newWindow, m.batchSubmissionWindow);
    }

    /// Sets the batch submission window (blocks after the release block).
    function updateBatchSubmissionWindow(address dataMarket, uint256 newWindow) external onlyOwner {
        DataMarket storage m = markets[dataMarket];
        require(m.exists, "E02");
        m.batchSubmissionWindow = newWindow;
        emit SubmissionWindowsUpdated(dataMarket, m.snapshotSubmissionWindow, newWindow);
    }

    /// Number of source-chain blocks in one epoch of the market.
    function EPOCH_SIZE(address dataMarket) external view returns (uint8) {
        return markets[dataMarket].epochSize;
    }

    /// Snapshot submission window of the market.
    function snapshotSubmissionWindow(address dataMarket) external view returns (uint256) {
        return markets[dataMarket].snapshotSubmissionWindow;
    }

    /// Batch submission window of the market, in blocks of this chain after the epoch's release block.
    function batchSubmissionWindow(address dataMarket) external view returns (uint256) {
        return markets[dataMarket].batchSubmissionWindow;
    }

    // ------------------------------------------------------------------ slots (snapshotter nodes)

    /// Registers a new, active slot owned by a snapshotter address.
    function registerSlot(uint256 slotId, address snapshotter) external onlyOwner {
        require(snapshotter != address(0), "E29");
        NodeInfo storage n = nodes[slotId];
        require(n.snapshotterAddress == address(0), "E09");
        n.snapshotterAddress = snapshotter;
        n.mintedOn = block.timestamp;
        n.lastUpdated = block.timestamp;
        n.active = true;
        nodeCount += 1;
        activeNodeCount += 1;
        emit SlotSnapshotterUpdated(slotId, snapshotter, true);
    }

    /// Points a registered slot at another snapshotter address and (re)activates it.
    function setSlotSnapshotter(uint256 slotId, address snapshotter) external onlyOwner {
        require(snapshotter != address(0), "E29");
        NodeInfo storage n = nodes[slotId];
        require(n.snapshotterAddress != address(0), "E29");
        if (!n.active) {
            n.active = true;
            activeNodeCount += 1;
        }
        n.snapshotterAddress = snapshotter;
        n.lastUpdated = block.timestamp;
        emit SlotSnapshotterUpdated(slotId, snapshotter, true);
    }

    /// Deactivates a registered slot; its snapshotter address stays readable.
    function deactivateSlot(uint256 slotId) external onlyOwner {
        NodeInfo storage n = nodes[slotId];
        require(n.snapshotterAddress != address(0), "E29");
        if (n.active) {
            n.active = false;
            activeNodeCount -= 1;
        }
        n.lastUpdated = block.timestamp;
        emit SlotSnapshotterUpdated(slotId, n.snapshotterAddress, false);
    }

    /// The snapshotter address of a slot (zero for an unknown slot), whether or not the slot is active.
    function slotSnapshotterMapping(uint256 slotId) external view returns (address) {
        return nodes[slotId].snapshotterAddress;
    }

    /// The full node record of a slot, production's field order.
    function nodeInfo(uint256 slotId) external view returns (NodeInfo memory) {
        return nodes[slotId];
    }

    /// Number of slots ever registered.
    function getTotalNodeCount() external view returns (uint256) {
        return nodeCount;
    }

    /// Number of slots currently active.
    function enabledNodeCount() external view returns (uint256) {
        return activeNodeCount;
    }

    // ------------------------------------------------------------------ epochs

    /// Releases the next epoch: epoch manager only, continuous with the previous one.
    function releaseEpoch(address dataMarket, uint256 begin, uint256 end) external {
        _release(dataMarket, begin, end, true);
    }

    /// Releases the next epoch without the continuity check (production's recovery path after a gap).
    function forceSkipEpoch(address dataMarket, uint256 begin, uint256 end) external {
        _release(dataMarket, begin, end, false);
    }

    /// The last released epoch: its source-chain block range and its id (all zero before the first release).
    function currentEpoch(address dataMarket) external view returns (uint256 begin, uint256 end, uint256 epochId) {
        DataMarket storage m = markets[dataMarket];
        return (m.currentBegin, m.currentEnd, m.epochIdCounter);
    }

    /// When an epoch was released: block timestamp, block number of this chain, and the epoch's end block.
    function epochInfo(address dataMarket, uint256 epochId)
        external view returns (uint256 timestamp, uint256 blocknumber, uint256 epochEnd) {
        EpochRecord storage e = epochs[dataMarket][epochId];
        return (e.timestamp, e.blocknumber, e.epochEnd);
    }

    // ------------------------------------------------------------------ batches

    /**
     * Commits one batch of finalized snapshot CIDs for an epoch. Past the batch submission window
     * (block.number > release block + batchSubmissionWindow) only DelayedBatchSubmitted is emitted and
     * nothing is stored. Per project the CID is stored (maxSnapshotsCid); the batch's project list is not (it is
     * in the transaction's calldata and in the batch document on IPFS), which halves the gas of a batch.
     */
    function submitSubmissionBatch(
        address dataMarket,
        string calldata batchCid,
        uint256 epochId,
        string[] calldata projectIds,
        string[] calldata snapshotCids,
        bytes32 finalizedCidsRootHash
    ) external activeMarket(dataMarket) onlySequencer(dataMarket) {
        require(projectIds.length == snapshotCids.length, "E23");
        require(projectIds.length > 0, "E24");
        _requireReleased(dataMarket, epochId);
        require(!completed[dataMarket][epochId], "E43");

        if (block.number > epochs[dataMarket][epochId].blocknumber + markets[dataMarket].batchSubmissionWindow) {
            emit DelayedBatchSubmitted(dataMarket, batchCid, epochId, block.timestamp);
            return;
        }
        for (uint256 i = 0; i < projectIds.length; i++) {
            _storeSnapshot(dataMarket, epochId, projectIds[i], snapshotCids[i]);
        }
        batchCidsOfEpoch[dataMarket][epochId].push(batchCid);
        finalizedRootOfBatch[dataMarket][batchCid] = finalizedCidsRootHash;
        emit SnapshotBatchSubmitted(dataMarket, batchCid, epochId, block.timestamp);
    }

    /// Closes an epoch's batch submissions; any later batch or second call reverts with E43.
    function endBatchSubmissions(address dataMarket, uint256 epochId)
        external activeMarket(dataMarket) onlySequencer(dataMarket) {
        _requireReleased(dataMarket, epochId);
        require(!completed[dataMarket][epochId], "E43");
        completed[dataMarket][epochId] = true;
        emit BatchSubmissionsCompleted(dataMarket, epochId, block.timestamp);
    }

    /// The snapshot CID committed for a project in an epoch ("" when none).
    function maxSnapshotsCid(address dataMarket, string calldata projectId, uint256 epochId)
        external view returns (string memory) {
        return snapshotCidOf[dataMarket][projectId][epochId];
    }

    /// The highest epoch for which the project has a committed snapshot CID (0 when none).
    function lastSequencerFinalizedSnapshot(address dataMarket, string calldata projectId)
        external view returns (uint256) {
        return lastFinalizedEpochOf[dataMarket][projectId];
    }

    /// The batch CIDs committed (in time) for an epoch, in commit order.
    function epochIdToBatchCids(address dataMarket, uint256 epochId) external view returns (string[] memory) {
        return batchCidsOfEpoch[dataMarket][epochId];
    }

    /// Whether endBatchSubmissions was called for the epoch.
    function batchSubmissionsCompleted(address dataMarket, uint256 epochId) external view returns (bool) {
        return completed[dataMarket][epochId];
    }

    /// The finalizedCidsRootHash committed with a batch (zero when the batch is unknown).
    function batchCidFinalizedRoot(address dataMarket, string calldata batchCid) external view returns (bytes32) {
        return finalizedRootOfBatch[dataMarket][batchCid];
    }

    // ------------------------------------------------------------------ snapshotter accounting (SPEC section 10)

    /// Length of a day (seconds x 1e4, production's unit).
    function DAY_SIZE(address dataMarket) external view returns (uint256) {
        return markets[dataMarket].daySize;
    }

    /// Source-chain block time (seconds x 1e4).
    function SOURCE_CHAIN_BLOCK_TIME(address dataMarket) external view returns (uint256) {
        return markets[dataMarket].sourceChainBlockTime;
    }

    /// Epochs in a day: DAY_SIZE / (SOURCE_CHAIN_BLOCK_TIME x EPOCH_SIZE).
    function epochsInADay(address dataMarket) external view returns (uint256) {
        return markets[dataMarket].epochsInADay;
    }

    /// The current day (from 1).
    function dayCounter(address dataMarket) external view returns (uint256) {
        return markets[dataMarket].dayCounter;
    }

    /// Submissions a slot needs in a day to be eligible for its rewards.
    function dailySnapshotQuota(address dataMarket) external view returns (uint256) {
        return markets[dataMarket].dailySnapshotQuota;
    }

    /// Sets the daily snapshot quota.
    function updateDailySnapshotQuota(address dataMarket, uint256 quota) external onlyOwner {
        DataMarket storage m = markets[dataMarket];
        require(m.exists, "E02");
        m.dailySnapshotQuota = quota;
        emit DailySnapshotQuotaUpdated(dataMarket, quota);
    }

    /// Sets DAY_SIZE and recomputes epochsInADay (which must stay above zero).
    function updateDaySize(address dataMarket, uint256 daySize) external onlyOwner {
        DataMarket storage m = markets[dataMarket];
        require(m.exists, "E02");
        uint256 perDay = daySize / (m.sourceChainBlockTime * m.epochSize);
        require(perDay > 0, "E21");
        m.daySize = daySize;
        m.epochsInADay = perDay;
        emit DaySizeUpdated(dataMarket, daySize, perDay);
    }

    /// Sets the source-chain block time (seconds x 1e4) and recomputes epochsInADay.
    function updateSourceChainBlockTime(address dataMarket, uint256 blockTime) external onlyOwner {
        DataMarket storage m = markets[dataMarket];
        require(m.exists, "E02");
        require(blockTime > 0, "E21");
        uint256 perDay = m.daySize / (blockTime * m.epochSize);
        require(perDay > 0, "E21");
        m.sourceChainBlockTime = blockTime;
        m.epochsInADay = perDay;
        emit DaySizeUpdated(dataMarket, m.daySize, perDay);
    }

    /// Periodic update: absolute submission counts of slots for the current or the previous day.
    function updateSubmissionCounts(address dataMarket, uint256[] calldata slotIds,
        uint256[] calldata submissionsList, uint256 day) external activeMarket(dataMarket) onlySequencer(dataMarket) {
        require(slotIds.length == submissionsList.length, "E19");
        _requireAccountingDay(dataMarket, day);
        for (uint256 i = 0; i < slotIds.length; i++) {
            require(!rewarded[dataMarket][slotIds[i]][day], "E48");
            submissionCounts[dataMarket][slotIds[i]][day] = submissionsList[i];
        }
    }

    /// End of day, first step: how many slots met the quota on the day.
    function updateEligibleNodesForDay(address dataMarket, uint256 day, uint256 eligibleNodes_)
        external activeMarket(dataMarket) onlySequencer(dataMarket) {
        _requireAccountingDay(dataMarket, day);
        eligibleNodes[dataMarket][day] = eligibleNodes_;
    }

    /// End of day, second step: the eligible slots' final counts; each slot at the quota is rewarded once.
    function updateEligibleSubmissionCountsForDay(address dataMarket, uint256[] calldata slotIds,
        uint256[] calldata submissionsList, uint256 day) external activeMarket(dataMarket) onlySequencer(dataMarket) {
        require(slotIds.length == submissionsList.length, "E19");
        _requireAccountingDay(dataMarket, day);
        uint256 quota = markets[dataMarket].dailySnapshotQuota;
        for (uint256 i = 0; i < slotIds.length; i++) {
            uint256 slotId = slotIds[i];
            require(!rewarded[dataMarket][slotId][day], "E48");
            submissionCounts[dataMarket][slotId][day] = submissionsList[i];
            if (submissionsList[i] >= quota) {
                rewarded[dataMarket][slotId][day] = true;
                emit DailyTaskCompletedEvent(dataMarket, nodes[slotId].snapshotterAddress, slotId, day, block.timestamp);
            }
        }
    }

    /// A slot's submission count for a day, as last updated.
    function slotSubmissionCount(address dataMarket, uint256 slotId, uint256 dayId) external view returns (uint256) {
        return submissionCounts[dataMarket][slotId][dayId];
    }

    /// The eligible-node count committed for a day.
    function eligibleNodesForDay(address dataMarket, uint256 dayId) external view returns (uint256) {
        return eligibleNodes[dataMarket][dayId];
    }

    /// Whether the slot's count for the day meets the quota.
    function checkSlotTaskStatusForDay(address dataMarket, uint256 slotId, uint256 day) external view returns (bool) {
        return submissionCounts[dataMarket][slotId][day] >= markets[dataMarket].dailySnapshotQuota;
    }

    /// Whether the slot's final count for the day was committed (and rewarded); a further update reverts E48.
    function slotRewardedForDay(address dataMarket, uint256 slotId, uint256 day) external view returns (bool) {
        return rewarded[dataMarket][slotId][day];
    }

    // ------------------------------------------------------------------ internals

    function _release(address dataMarket, uint256 begin, uint256 end, bool continuous)
        private activeMarket(dataMarket) {
        DataMarket storage m = markets[dataMarket];
        require(msg.sender == m.epochManager, "E05");
        require(end >= begin, "E20");
        require(end - begin + 1 == m.epochSize, "E21");
        if (continuous && m.epochIdCounter > 0) {
            require(begin == m.currentEnd + 1, "E22");
        }
        m.epochIdCounter += 1;
        m.currentBegin = begin;
        m.currentEnd = end;
        epochs[dataMarket][m.epochIdCounter] = EpochRecord(block.timestamp, block.number, end);
        if (m.epochIdCounter % m.epochsInADay == 1 && m.epochIdCounter > 1) {
            m.dayCounter += 1;
            emit DayStartedEvent(dataMarket, m.dayCounter, block.timestamp);
        }
        emit EpochReleased(dataMarket, m.epochIdCounter, begin, end, block.timestamp);
    }

    function _storeSnapshot(address dataMarket, uint256 epochId, string calldata projectId, string calldata cid)
        private {
        require(bytes(cid).length > 0, "E24");
        string storage slot = snapshotCidOf[dataMarket][projectId][epochId];
        require(bytes(slot).length == 0, "E25");
        snapshotCidOf[dataMarket][projectId][epochId] = cid;
        if (epochId > lastFinalizedEpochOf[dataMarket][projectId]) {
            lastFinalizedEpochOf[dataMarket][projectId] = epochId;
        }
    }

    function _requireAccountingDay(address dataMarket, uint256 day) private view {
        uint256 current = markets[dataMarket].dayCounter;
        require(day == current || day + 1 == current, "E38");
    }

    function _requireReleased(address dataMarket, uint256 epochId) private view {
        require(epochId > 0 && epochId <= markets[dataMarket].epochIdCounter, "E30");
    }
}
