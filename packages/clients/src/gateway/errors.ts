/**
 * Every error the gateway API answers with, defined once: its stable tag (the JSON `code`, also a
 * metrics label), its HTTP status and whose fault it is. No status is written anywhere else.
 */
export const GatewayErrorCodes = {
  // The HTTP envelope.
  ROUTE_NOT_FOUND: { status: 404, fault: "caller", message: "No such route" },
  METHOD_NOT_ALLOWED: { status: 405, fault: "caller", message: "Method not allowed on this route" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, fault: "caller", message: "Body must be application/json" },
  BODY_TOO_LARGE: { status: 413, fault: "caller", message: "Request body is too large" },
  MALFORMED_JSON: { status: 400, fault: "caller", message: "Body is not valid JSON" },
  INVALID_REQUEST: { status: 400, fault: "caller", message: "Request does not match the route's schema" },
  // The request.
  WRONG_SLASHER: { status: 400, fault: "caller", message: "Slasher is not this gateway's slasher contract" },
  UNKNOWN_KIND: { status: 400, fault: "caller", message: "Unknown commitment type" },
  PAYLOAD_UNDECODABLE: {
    status: 400,
    fault: "caller",
    message: "Payload is not an encoded preconfirmation request",
  },
  WRONG_TRANSACTION_COUNT: {
    status: 400,
    fault: "caller",
    message: "Wrong number of transactions for this kind",
  },
  KIND_NOT_OFFERED: { status: 400, fault: "caller", message: "This kind is not offered for this chain" },
  // The transaction.
  TX_UNDECODABLE: {
    status: 400,
    fault: "caller",
    message: "Transaction is not a signed EIP-2718 transaction",
  },
  TX_BAD_SIGNATURE: { status: 400, fault: "caller", message: "Transaction signature is invalid" },
  TX_UNKNOWN_CHAIN: {
    status: 400,
    fault: "caller",
    message: "Transaction targets a chain this gateway does not serve",
  },
  TX_TOO_LARGE: { status: 400, fault: "caller", message: "Transaction is larger than the size limit" },
  TX_BLOB_LIMIT: { status: 400, fault: "caller", message: "Transaction carries blobs beyond the limit" },
  TX_INTRINSIC_GAS: {
    status: 400,
    fault: "caller",
    message: "Gas limit is below the transaction's intrinsic gas",
  },
  TX_GAS_TOO_HIGH: { status: 400, fault: "caller", message: "Gas limit exceeds the per-transaction limit" },
  NONCE_TOO_LOW: { status: 400, fault: "caller", message: "Nonce was already used or promised" },
  NONCE_GAP: {
    status: 400,
    fault: "caller",
    message: "Nonce leaves a gap after the sender's promised transactions",
  },
  INSUFFICIENT_BALANCE: {
    status: 400,
    fault: "caller",
    message: "Balance does not cover value plus gas at the max fee, given earlier promises",
  },
  FEE_BELOW_BASE_FEE: {
    status: 400,
    fault: "caller",
    message: "Max fee per gas is below the projected base fee",
  },
  TIP_TOO_LOW: { status: 400, fault: "caller", message: "Tip is below the price of this commitment" },
  DUPLICATE_IN_BUNDLE: {
    status: 400,
    fault: "caller",
    message: "The same transaction appears twice in the bundle",
  },
  ALREADY_COMMITTED: {
    status: 409,
    fault: "caller",
    message: "Transaction is already committed under another request",
  },
  EXECUTION_INVALID: {
    status: 400,
    fault: "caller",
    message: "Transaction is invalid against the rollup's pending state",
  },
  // The window.
  WINDOW_FULL: { status: 409, fault: "caller", message: "Not enough unpromised gas left in the window" },
  NOT_OUR_WINDOW: {
    status: 409,
    fault: "caller",
    message: "The current window belongs to another committer",
  },
  FALLBACK_WINDOW: {
    status: 409,
    fault: "caller",
    message: "No sequencer for the current window (fallback)",
  },
  WINDOW_CLOSING: {
    status: 409,
    fault: "caller",
    message: "The window closes too soon to honour a new promise",
  },
  SLOT_NOT_SERVED: {
    status: 409,
    fault: "caller",
    message: "The requested slot is not the target of a window this gateway serves now",
  },
  // Lookups.
  COMMITMENT_NOT_FOUND: { status: 404, fault: "caller", message: "No commitment for this request hash" },
  // Ours.
  LOOKAHEAD_UNAVAILABLE: {
    status: 503,
    fault: "gateway",
    message: "The gateway does not know the current window yet",
  },
  SHUTTING_DOWN: { status: 503, fault: "gateway", message: "The gateway is shutting down" },
  OVERLOADED: { status: 503, fault: "gateway", message: "Too many requests in flight" },
  INTERNAL: { status: 500, fault: "gateway", message: "Internal error" },
} as const satisfies Record<string, { status: number; fault: "caller" | "gateway"; message: string }>;

export type GatewayErrorCode = keyof typeof GatewayErrorCodes;

/** The JSON body of every error response. */
export interface GatewayErrorBody {
  readonly code: GatewayErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** An error answered by the gateway, thrown by the client and by the server's handlers. */
export class GatewayApiError extends Error {
  override readonly name = "GatewayApiError";
  readonly status: number;

  constructor(
    readonly code: GatewayErrorCode,
    message: string = GatewayErrorCodes[code].message,
    readonly details: Readonly<Record<string, string | number | boolean | null>> = {},
  ) {
    super(`${code}: ${message}`);
    this.status = GatewayErrorCodes[code].status;
  }

  toBody(): GatewayErrorBody {
    const body: GatewayErrorBody = { code: this.code, message: this.message.slice(this.code.length + 2) };
    return Object.keys(this.details).length === 0 ? body : { ...body, details: this.details };
  }
}

export function isGatewayErrorCode(value: unknown): value is GatewayErrorCode {
  return typeof value === "string" && Object.hasOwn(GatewayErrorCodes, value);
}
