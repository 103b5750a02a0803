/**
 * AI chat (INFERRED OpenAI-style): a model list, a deterministic reply whose cost (tokens × price) is
 * debited from the balance, and the usage summary and history.
 */
import { createHash } from "node:crypto";
import { MINIMUM_BALANCE } from "../../provider/platform";
import { AI_MODELS } from "../catalog";
import { ApiError, badRequest } from "../errors";
import { isoZ, round } from "../store";
import type { Handlers } from "./common";
import { pageFields, paginate } from "./common";

/** Roughly four characters per token, as tokenizers average on English text. */
const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

export const aiHandlers = {
  listAiModels: ({ store }) => {
    const c = store.state.currency;
    return {
      message: "AI models retrieved successfully",
      data: { models: AI_MODELS.map((m) => ({ id: m.id, name: m.name, input_price_per_1k_tokens: m.input[c], output_price_per_1k_tokens: m.output[c] })) },
    };
  },

  chat: ({ store, body }) => {
    const model = AI_MODELS.find((m) => m.id === body.model);
    if (!model) badRequest("model", `model must be one of ${AI_MODELS.map((m) => m.id).join(", ")} (got ${JSON.stringify(body.model)})`);
    const c = store.state.currency;
    if (store.state.balance < MINIMUM_BALANCE[c]) {
      throw new ApiError(402, `cannot chat: the balance is ${round(store.state.balance, 2)} ${c}, below the minimum of ${MINIMUM_BALANCE[c]} ${c}; add credits`);
    }
    const last = [...body.messages].reverse().find((m) => m.role === "user") ?? body.messages[body.messages.length - 1];
    const digest = createHash("sha256").update(JSON.stringify(body.messages)).digest("hex").slice(0, 8);
    let content = `[${model.name}, emulated] You said: "${last.content.slice(0, 200)}". Reply ${digest}.`;
    let finish = "stop";
    if (body.max_tokens !== undefined && tokens(content) > body.max_tokens) {
      content = content.slice(0, body.max_tokens * 4);
      finish = "length";
    }
    const prompt_tokens = body.messages.reduce((s, m) => s + tokens(m.content) + 4, 0);
    const completion_tokens = tokens(content);
    const cost = round((prompt_tokens / 1000) * model.input[c] + (completion_tokens / 1000) * model.output[c], 8);
    store.debit(cost);
    const now = store.now();
    store.state.ai.push({ transaction_id: store.newHexId("txn_", 6), model: model.id, input_tokens: prompt_tokens, output_tokens: completion_tokens, cost, created_at: now });
    return {
      message: "Chat completion created",
      data: {
        id: store.newHexId("chatcmpl-", 8), model: model.id,
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finish }],
        usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens },
        cost, currency: c,
      },
    };
  },

  getAiUsageSummary: ({ store }) => {
    const t = store.state.ai;
    return {
      message: "AI usage summary retrieved successfully",
      data: {
        total_requests: t.length,
        total_tokens: t.reduce((s, x) => s + x.input_tokens + x.output_tokens, 0),
        total_cost: round(t.reduce((s, x) => s + x.cost, 0), 8),
        currency: store.state.currency,
      },
    };
  },

  getAiUsageHistory: ({ store, query }) => {
    const p = paginate([...store.state.ai].reverse(), query);
    const currency = store.state.currency;
    return {
      message: "AI usage history retrieved successfully",
      data: {
        transactions: p.items.map((x) => ({ transaction_id: x.transaction_id, model: x.model, input_tokens: x.input_tokens, output_tokens: x.output_tokens, cost: x.cost, currency, created_at: isoZ(x.created_at) })),
        ...pageFields(p),
      },
    };
  },
} satisfies Partial<Handlers>;
