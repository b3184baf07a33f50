/** What Twilio accepts as a message address: E.164, or a channel address such as `whatsapp:+14155550100`. */

const E164 = /^\+[1-9]\d{1,14}$/;
const CHANNEL = /^(whatsapp|messenger|rcs|fb|line|viber|wechat|apple):(.{1,200})$/;
/** Alphanumeric sender IDs: up to 11 letters, digits and spaces, at least one letter. */
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const SHORT_CODE = /^\d{3,8}$/;

/** True for an E.164 number (`+` and up to 15 digits, no leading zero). */
export function isE164(value: string): boolean {
  return E164.test(value);
}

/** True for an address a message can go to: E.164, or a channel address (WhatsApp and SMS-like channels need E.164 after the prefix). */
export function isRecipientAddress(value: string): boolean {
  if (isE164(value)) return true;
  const channel = CHANNEL.exec(value);
  if (!channel) return false;
  return channel[1] === 'whatsapp' || channel[1] === 'rcs' ? isE164(channel[2]!) : channel[2]!.trim().length > 0;
}

/** True for a sender Twilio accepts in `From`: an address, a short code or an alphanumeric sender ID. */
export function isSenderAddress(value: string): boolean {
  return isRecipientAddress(value) || SHORT_CODE.test(value) || ALPHANUMERIC_SENDER.test(value);
}
