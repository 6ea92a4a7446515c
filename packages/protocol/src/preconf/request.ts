/**
 * The preconfirmation request, Baton's `CommitmentRequest.payload` (Commitments API draft,
 * eth-fabric/commitments-specs): the signed raw transactions to promise, the window the user wants
 * (0: the gateway's current one) and who receives insurance or a liveness penalty. It is defined
 * once here, ABI-encoded, so the request hash a commitment binds is computable anywhere, on-chain
 * included: `requestHash = keccak256(abi.encode(uint64 commitmentType, keccak256(payload), slasher))`.
 */
import {
  type Address,
  decodeAbiParameters,
  encodeAbiParameters,
  getAddress,
  type Hex,
  isHex,
  keccak256,
  zeroAddress,
} from "viem";
import { type Commitment, CommitmentKind, commitmentTypes } from "../commitments/types.ts";
import { BatonError } from "../errors.ts";

/** What a user asks for, inside `CommitmentRequest.payload`. */
export type PreconfRequest = {
  /** Signed EIP-2718 transactions: one for inclusion/ordering/state, two or more for a bundle. */
  readonly transactions: readonly Hex[];
  /** The window's target slot the user wants, or 0 for the gateway's current window. */
  readonly slot: bigint;
  /** Receives insurance and liveness penalties; the zero address means the (first) sender. */
  readonly beneficiary: Address;
};

const requestParameters = [
  {
    type: "tuple",
    components: [
      { name: "transactions", type: "bytes[]" },
      { name: "slot", type: "uint64" },
      { name: "beneficiary", type: "address" },
    ],
  },
] as const;

const commitmentParameters = [{ type: "tuple", components: commitmentTypes.Commitment }] as const;

/** Stable codes of {@link PreconfRequestError}. */
export const PreconfRequestErrorCode = {
  /** The payload is not hex, or not the ABI encoding of a {@link PreconfRequest}. */
  undecodable: "REQUEST_PAYLOAD_UNDECODABLE",
  /** The commitment type is not one of {@link CommitmentKind}. */
  unknownKind: "REQUEST_UNKNOWN_KIND",
} as const;
export type PreconfRequestErrorCode = (typeof PreconfRequestErrorCode)[keyof typeof PreconfRequestErrorCode];

export class PreconfRequestError extends BatonError {
  override readonly name = "PreconfRequestError";
  constructor(
    readonly code: PreconfRequestErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { details: { code, ...details } });
  }
}

/** ABI-encodes a request into `CommitmentRequest.payload`. */
export function encodePreconfRequest(request: PreconfRequest): Hex {
  return encodeAbiParameters(requestParameters, [
    { transactions: [...request.transactions], slot: request.slot, beneficiary: request.beneficiary },
  ]);
}

/**
 * Decodes `CommitmentRequest.payload`; the encoding must be canonical (re-encoding gives the same
 * bytes), so one request has exactly one hash.
 * @throws PreconfRequestError `REQUEST_PAYLOAD_UNDECODABLE`.
 */
export function decodePreconfRequest(payload: Hex): PreconfRequest {
  if (!isHex(payload, { strict: true }) || payload.length % 2 !== 0) {
    throw new PreconfRequestError(PreconfRequestErrorCode.undecodable, "Payload is not 0x-prefixed hex");
  }
  let request: PreconfRequest;
  try {
    const [decoded] = decodeAbiParameters(requestParameters, payload);
    request = {
      transactions: decoded.transactions,
      slot: decoded.slot,
      beneficiary: getAddress(decoded.beneficiary),
    };
  } catch {
    throw new PreconfRequestError(
      PreconfRequestErrorCode.undecodable,
      "Payload is not the ABI encoding of (bytes[] transactions, uint64 slot, address beneficiary)",
    );
  }
  if (encodePreconfRequest(request).toLowerCase() !== payload.toLowerCase()) {
    throw new PreconfRequestError(PreconfRequestErrorCode.undecodable, "Payload encoding is not canonical");
  }
  return request;
}

/** The commitment kind a `commitment_type` names. @throws PreconfRequestError `REQUEST_UNKNOWN_KIND`. */
export function commitmentKindOf(commitmentType: number): CommitmentKind {
  if (!Object.values(CommitmentKind).includes(commitmentType as CommitmentKind)) {
    throw new PreconfRequestError(PreconfRequestErrorCode.unknownKind, "Unknown commitment type", {
      commitmentType,
    });
  }
  return commitmentType as CommitmentKind;
}

/** `keccak256(abi.encode(uint64 commitmentType, keccak256(payload), address slasher))`. */
export function preconfRequestHash(commitmentType: number, payload: Hex, slasher: Address): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint64" }, { type: "bytes32" }, { type: "address" }],
      [BigInt(commitmentType), keccak256(payload), slasher],
    ),
  );
}

/** One member of a bundle: a transaction and the chain it targets. */
export type BundleMember = { readonly chainId: bigint; readonly txHash: Hex };

/**
 * The bundle hash every member carries in its batch (so derivation can drop a partial bundle) and
 * that a bundle commitment promises: `keccak256(abi.encode((uint64 chainId, bytes32 txHash)[]))`
 * over the members in request order.
 */
export function bundleHash(members: readonly BundleMember[]): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        {
          type: "tuple[]",
          components: [
            { name: "chainId", type: "uint64" },
            { name: "txHash", type: "bytes32" },
          ],
        },
      ],
      [members.map((member) => ({ chainId: member.chainId, txHash: member.txHash }))],
    ),
  );
}

/** ABI-encodes a commitment: `Commitment.payload` of the Commitments API response. */
export function encodeCommitmentPayload(commitment: Commitment): Hex {
  return encodeAbiParameters(commitmentParameters, [commitment]);
}

/** Decodes `Commitment.payload`. @throws PreconfRequestError `REQUEST_PAYLOAD_UNDECODABLE`. */
export function decodeCommitmentPayload(payload: Hex): Commitment {
  try {
    const [decoded] = decodeAbiParameters(commitmentParameters, payload);
    return { ...decoded, kind: commitmentKindOf(decoded.kind), beneficiary: getAddress(decoded.beneficiary) };
  } catch (error) {
    if (error instanceof PreconfRequestError) throw error;
    throw new PreconfRequestError(PreconfRequestErrorCode.undecodable, "Not an ABI-encoded Commitment");
  }
}

export const NO_BENEFICIARY: Address = zeroAddress;
