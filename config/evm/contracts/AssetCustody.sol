// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title AssetCustody
 * @notice The custody registry of one organisation's assets for its SATP gateway. One account, the operator (the
 * gateway that deployed it), changes state; anyone reads. Owners are account names such as alice (at) bank-one, not
 * addresses: the registry records who holds what, the organisation's own systems say who may ask for a transfer.
 *
 * Every gateway action is keyed by (session id, action), the key being keccak256("<sessionId>:<action>") as the
 * gateway spells it. The first call with a key decides its outcome (done, or failed with a SATP error code) and
 * records it; a repeated call with the same key changes nothing. A refused action does not revert: its failure is
 * recorded under its key so that the gateway can read it after a crash ({outcome}) instead of acting again.
 *
 * Undo actions (unlock; extinguish of what a session created) succeed without effect when what they undo never
 * happened, and fail when the asset is no longer the session's to undo. An undo recorded first refuses the action it
 * undoes when that arrives later (a late lock after its unlock, a late create after its extinguish), so that a
 * transaction mined late never brings back what a rollback undid.
 */
contract AssetCustody {
    enum State { NONE, FREE, LOCKED, BURNED }
    enum Status { NONE, DONE, FAILED }

    uint8 internal constant LOCK = 0;
    uint8 internal constant UNLOCK = 1;
    uint8 internal constant EXTINGUISH = 2;
    uint8 internal constant CREATE = 3;
    uint8 internal constant ASSIGN = 4;

    string internal constant ASSET_NOT_FOUND = "err_2.2.7";
    string internal constant ASSET_ALREADY_LOCKED = "err_2.2.8";
    string internal constant LEDGER_FAILURE = "err_0.2.8";

    struct Asset {
        string owner;
        uint256 amount;
        State state;
        string lockedBy;
        string createdBy;
    }

    struct Outcome {
        Status status;
        uint8 action;
        uint64 blockNumber;
        string errorCode;
        string reason;
        string sessionId;
        string assetId;
        uint256 amount;
        string owner;
    }

    struct Request {
        uint8 action;
        string sessionId;
        string assetId;
        uint256 amount;
        string owner;
    }

    address public immutable operator;
    /// @notice The amount of every asset that is not burned.
    uint256 public totalSupply;

    mapping(bytes32 => Asset) private assets;
    mapping(bytes32 => Outcome) private outcomes;

    event Issued(bytes32 indexed assetKey, string assetId, string owner, uint256 amount);
    event Performed(
        bytes32 indexed key,
        bytes32 indexed assetKey,
        uint8 indexed action,
        string sessionId,
        string assetId,
        uint256 amount,
        string owner,
        bool done,
        string errorCode,
        string reason
    );

    modifier onlyOperator() {
        require(msg.sender == operator, "AssetCustody: only the operator changes state");
        _;
    }

    constructor() {
        operator = msg.sender;
    }

    // ---- state changes (operator only) -------------------------------------------------------------------------

    /// @notice Puts a new asset into custody (set-up); refused when the asset id is taken.
    function issue(string calldata assetId, string calldata owner, uint256 amount) external onlyOperator {
        bytes32 assetKey = keccak256(bytes(assetId));
        require(assets[assetKey].state == State.NONE, "AssetCustody: the asset exists");
        assets[assetKey] = Asset(owner, amount, State.FREE, "", "");
        totalSupply += amount;
        emit Issued(assetKey, assetId, owner, amount);
    }

    /// @notice The source gateway locks a free asset of `owner` of exactly `amount` for its session.
    function lock(string calldata sessionId, string calldata assetId, uint256 amount, string calldata owner)
        external onlyOperator
    {
        _perform(Request(LOCK, sessionId, assetId, amount, owner));
    }

    /// @notice Rollback: releases the session's lock; without effect if the session never locked the asset.
    function unlock(string calldata sessionId, string calldata assetId, uint256 amount, string calldata owner)
        external onlyOperator
    {
        _perform(Request(UNLOCK, sessionId, assetId, amount, owner));
    }

    /// @notice Burns the asset the session locked, or destroys the asset the session created (rollback).
    function extinguish(string calldata sessionId, string calldata assetId, uint256 amount, string calldata owner)
        external onlyOperator
    {
        _perform(Request(EXTINGUISH, sessionId, assetId, amount, owner));
    }

    /// @notice The receiving gateway mints the asset, held by `owner` (the gateway itself).
    function create(string calldata sessionId, string calldata assetId, uint256 amount, string calldata owner)
        external onlyOperator
    {
        _perform(Request(CREATE, sessionId, assetId, amount, owner));
    }

    /// @notice The receiving gateway hands the asset its session created to the beneficiary `owner`.
    function assign(string calldata sessionId, string calldata assetId, uint256 amount, string calldata owner)
        external onlyOperator
    {
        _perform(Request(ASSIGN, sessionId, assetId, amount, owner));
    }

    // ---- reads (anyone) ----------------------------------------------------------------------------------------

    /// @notice The key of an action: keccak256 of "<sessionId>:<action name>".
    function keyOf(string memory sessionId, uint8 action) public pure returns (bytes32) {
        return keccak256(bytes(string.concat(sessionId, ":", actionName(action))));
    }

    function actionName(uint8 action) public pure returns (string memory) {
        if (action == LOCK) return "lock";
        if (action == UNLOCK) return "unlock";
        if (action == EXTINGUISH) return "extinguish";
        if (action == CREATE) return "create";
        if (action == ASSIGN) return "assign";
        revert("AssetCustody: unknown action");
    }

    /// @notice The recorded outcome of a key: status 0 none, 1 done, 2 failed, and the block that recorded it.
    function outcome(bytes32 key)
        external view
        returns (
            uint8 status,
            uint8 action,
            uint64 blockNumber,
            string memory errorCode,
            string memory reason,
            string memory sessionId,
            string memory assetId,
            uint256 amount,
            string memory owner
        )
    {
        Outcome storage o = outcomes[key];
        return (uint8(o.status), o.action, o.blockNumber, o.errorCode, o.reason, o.sessionId, o.assetId, o.amount,
            o.owner);
    }

    /// @notice The asset: state 0 none (no such asset), 1 free, 2 locked, 3 burned.
    function asset(string calldata assetId)
        external view
        returns (uint8 state, string memory owner, uint256 amount, string memory lockedBy, string memory createdBy)
    {
        Asset storage a = assets[keccak256(bytes(assetId))];
        return (uint8(a.state), a.owner, a.amount, a.lockedBy, a.createdBy);
    }

    // ---- the rules ---------------------------------------------------------------------------------------------

    function _perform(Request memory r) private {
        bytes32 key = keyOf(r.sessionId, r.action);
        Outcome storage o = outcomes[key];
        if (o.status != Status.NONE) {
            return; // the first outcome of a key stays
        }
        (string memory errorCode, string memory reason) = _act(r);
        bool done = bytes(errorCode).length == 0;
        o.status = done ? Status.DONE : Status.FAILED;
        o.action = r.action;
        o.blockNumber = uint64(block.number);
        o.errorCode = errorCode;
        o.reason = reason;
        o.sessionId = r.sessionId;
        o.assetId = r.assetId;
        o.amount = r.amount;
        o.owner = r.owner;
        emit Performed(key, keccak256(bytes(r.assetId)), r.action, r.sessionId, r.assetId, r.amount, r.owner, done,
            errorCode, reason);
    }

    /// @return errorCode empty when the action is done, else the SATP error code; reason the refusal in words
    function _act(Request memory r) private returns (string memory errorCode, string memory reason) {
        Asset storage a = assets[keccak256(bytes(r.assetId))];
        string memory sid = r.sessionId;
        if (r.action == LOCK) {
            if (_recorded(sid, UNLOCK) != Status.NONE || _recorded(sid, EXTINGUISH) != Status.NONE) {
                return (LEDGER_FAILURE, string.concat("session ", sid, " already undid its lock of ", r.assetId));
            }
            if (a.state == State.NONE) {
                return (ASSET_NOT_FOUND, string.concat("no asset ", r.assetId));
            }
            if (a.state != State.FREE) {
                return (ASSET_ALREADY_LOCKED, string.concat("asset ", r.assetId, " is ", _stateName(a.state)));
            }
            if (!_eq(a.owner, r.owner) || a.amount != r.amount) {
                return (ASSET_NOT_FOUND, string.concat("asset ", r.assetId, " is not this amount held by ", r.owner));
            }
            a.state = State.LOCKED;
            a.lockedBy = sid;
        } else if (r.action == UNLOCK) {
            if (a.state == State.LOCKED && _eq(a.lockedBy, sid)) {
                a.state = State.FREE;
                a.lockedBy = "";
            } else if (_recorded(sid, LOCK) == Status.DONE) {
                // the session locked the asset and no longer holds it: burned, most likely; never "unlocked"
                return (LEDGER_FAILURE, string.concat("asset ", r.assetId, " is ",
                    a.state == State.NONE ? "gone" : _stateName(a.state), ", no longer locked by session ", sid));
            }
            // otherwise the session never locked it: the undo of a lock that never happened
        } else if (r.action == EXTINGUISH) {
            if (a.state != State.NONE && _eq(a.createdBy, sid)) {
                if (_recorded(sid, ASSIGN) == Status.DONE) {
                    return (LEDGER_FAILURE, string.concat("asset ", r.assetId, " created by session ", sid,
                        " was assigned to ", a.owner, ": it is not the gateway's to destroy"));
                }
                if (a.state != State.BURNED) {
                    a.state = State.BURNED;
                    a.lockedBy = "";
                    totalSupply -= a.amount;
                }
            } else if (a.state == State.LOCKED && _eq(a.lockedBy, sid)) {
                a.state = State.BURNED;
                totalSupply -= a.amount;
            } else if (_recorded(sid, LOCK) != Status.NONE) {
                return (LEDGER_FAILURE, string.concat("asset ", r.assetId, " is not locked by session ", sid));
            }
            // otherwise the session neither locked nor created anything here: nothing to destroy
        } else if (r.action == CREATE) {
            if (_recorded(sid, EXTINGUISH) != Status.NONE) {
                return (LEDGER_FAILURE, string.concat("session ", sid, " already destroyed what it would create"));
            }
            if (a.state != State.NONE && a.state != State.BURNED) {
                return (LEDGER_FAILURE, string.concat("asset ", r.assetId, " already exists here"));
            }
            a.owner = r.owner;
            a.amount = r.amount;
            a.state = State.FREE;
            a.lockedBy = "";
            a.createdBy = sid;
            totalSupply += r.amount;
        } else if (r.action == ASSIGN) {
            if (a.state != State.FREE || !_eq(a.createdBy, sid)) {
                return (LEDGER_FAILURE, string.concat("session ", sid, " created no live asset ", r.assetId));
            }
            a.owner = r.owner;
        } else {
            revert("AssetCustody: unknown action");
        }
        return ("", "");
    }

    function _recorded(string memory sessionId, uint8 action) private view returns (Status) {
        return outcomes[keyOf(sessionId, action)].status;
    }

    function _stateName(State s) private pure returns (string memory) {
        if (s == State.FREE) return "FREE";
        if (s == State.LOCKED) return "LOCKED";
        if (s == State.BURNED) return "BURNED";
        return "NONE";
    }

    function _eq(string memory x, string memory y) private pure returns (bool) {
        return keccak256(bytes(x)) == keccak256(bytes(y));
    }
}
