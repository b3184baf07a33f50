/** The error the emulator's request handling throws; handler.ts renders it as Twilio's error body. */

/** A Twilio error answer, thrown inside the handler and rendered as Twilio's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Twilio's 404/20404 for a path. */
export function notFound(path: string): ApiError {
  return new ApiError(404, 20404, `The requested resource ${path} was not found`);
}
