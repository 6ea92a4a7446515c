/**
 * The Beacon API's error responses: `{"code": <http status>, "message": "..."}` (types/http.yaml
 * `ErrorMessage`). Every status the server answers with is named here, once.
 */
export const HttpStatus = {
  ok: 200,
  badRequest: 400,
  notFound: 404,
  methodNotAllowed: 405,
  notAcceptable: 406,
  uriTooLong: 414,
  internalError: 500,
  unavailable: 503,
} as const;

export type HttpStatusCode = (typeof HttpStatus)[keyof typeof HttpStatus];

/** An error a handler throws to answer with the spec's error body. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: HttpStatusCode,
    message: string,
  ) {
    super(message);
  }

  static badRequest(message: string): ApiError {
    return new ApiError(HttpStatus.badRequest, message);
  }

  static notFound(message: string): ApiError {
    return new ApiError(HttpStatus.notFound, message);
  }

  /** The spec's `CurrentlySyncing` answer: the node cannot serve this now. */
  static unavailable(message: string): ApiError {
    return new ApiError(HttpStatus.unavailable, message);
  }
}

export interface ErrorBody {
  readonly code: number;
  readonly message: string;
}

export function errorBody(status: number, message: string): ErrorBody {
  return { code: status, message };
}
