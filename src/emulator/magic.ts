/**
 * Magic phone numbers. The first two tables are the ones Twilio documents for its test credentials;
 * the outcome table is the emulator's own, for messages that are accepted but end badly, so that a
 * client can see `undelivered` and `failed` with a realistic `error_code`.
 */

/** A Twilio error a create request is refused with. */
export interface MagicRefusal {
  code: number;
  message: string;
}

/** `From` numbers Twilio's test credentials treat specially (`+15005550006` is a valid sender). */
export const MAGIC_FROM: Readonly<Record<string, MagicRefusal>> = {
  '+15005550001': { code: 21212, message: "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID." },
  '+15005550007': { code: 21606, message: "The 'From' phone number provided (+15005550007) is not a valid message-capable Twilio phone number for this destination." },
  '+15005550008': { code: 21611, message: "This 'From' number has exceeded the maximum number of queued messages." },
};

/** `To` numbers Twilio's test credentials refuse. */
export const MAGIC_TO: Readonly<Record<string, MagicRefusal>> = {
  '+15005550001': { code: 21211, message: "The 'To' number +15005550001 is not a valid phone number." },
  '+15005550002': { code: 21612, message: "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number via SMS." },
  '+15005550003': { code: 21408, message: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003." },
  '+15005550004': { code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  '+15005550009': { code: 21614, message: "'To' number is not a valid mobile number" },
};

/** How an accepted message ends, with the delivery error Twilio would report. */
export interface MagicOutcome {
  status: 'undelivered' | 'failed';
  errorCode: number;
  errorMessage: string;
}

/** Emulator-only `To` numbers: accepted, then the message ends with this outcome instead of `delivered`. */
export const MAGIC_OUTCOME: Readonly<Record<string, MagicOutcome>> = {
  '+15005550010': { status: 'undelivered', errorCode: 30003, errorMessage: 'Unreachable destination handset' },
  '+15005550011': { status: 'undelivered', errorCode: 30005, errorMessage: 'Unknown destination handset' },
  '+15005550012': { status: 'undelivered', errorCode: 30007, errorMessage: 'Carrier violation' },
  '+15005550013': { status: 'failed', errorCode: 30008, errorMessage: 'Unknown error' },
  '+15005550014': { status: 'failed', errorCode: 30034, errorMessage: 'Message from an Unregistered Number' },
};
