import {dropAdapter} from "../ingest.js";
import {olistAdapter} from "./olist.js";
import {onlineRetailAdapter} from "./online-retail.js";
import type {Adapter} from "./types.js";
import {whatsappChatAdapter} from "./whatsapp-chat.js";
import {whatsappWebhooksAdapter} from "./whatsapp-webhooks.js";

/** Every input format `--format` accepts, by name. */
export const ADAPTERS: Record<string, Adapter> = {
  drop: dropAdapter,
  "online-retail": onlineRetailAdapter,
  olist: olistAdapter,
  "whatsapp-webhooks": whatsappWebhooksAdapter,
  "whatsapp-chat": whatsappChatAdapter,
};

/** The adapter for a --format value. @throws Error listing the known formats. */
export function adapterFor(format: string): Adapter {
  const adapter = ADAPTERS[format];
  if (!adapter) {
    throw new Error(`unknown --format ${JSON.stringify(format)}; known: ${Object.keys(ADAPTERS).join(", ")}`);
  }
  return adapter;
}
