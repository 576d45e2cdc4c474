// Contract 001's response shapes, as the dashboard reads them.

export interface Account { id: string; type: string; name: string; balance: number; currency: string }
export interface Transaction { id: string; merchant: string; category: string; amount: number; type: string; timestamp: string; tags: string[] }
export interface Overview {
  total_balance: number;
  accounts: Account[];
  monthly_income: number;
  monthly_expenses: number;
  savings_rate: number;
  spending_by_category: { name: string; value: number }[];
  recent_transactions: Transaction[];
  cash_flow: { month: string; income: number; expenses: number; savings: number }[];
  health_score: number;
  fraud_alert_count: number;
  ai_briefing: { summary: string; briefing: string | null };
  /** What monthly_income, monthly_expenses, savings_rate and spending_by_category cover, e.g. "last 30 days". */
  figures_period: string;
}
export interface HealthScore {
  overall_score: number;
  categories: Record<string, { score: number; max: number }>;
  explanation: string;
  actionable_improvements: string[];
}
export interface Prediction { current_balance: number; predicted_balance_30d: number; confidence: string }
export interface Scenarios { months: number; scenarios: { conservative: number[]; expected: number[]; optimistic: number[] }; confidence: string }
export interface FraudAlert { fraud_log_id: string; transaction_id: string; amount: number; merchant: string; risk_score: number; details: string; status: string; timestamp: string }
export interface FraudAnalysis { total_alerts: number; pending_reviews: number; alerts: FraudAlert[] }
export interface Notification { id: string; title: string; message: string; type: string; read: boolean; created_at: string }
export interface Notifications { notifications: Notification[]; unread_count: number }
export interface TransactionPage { transactions: Transaction[]; total: number; page: number; pages: number }
export interface Simulation {
  amount: number; merchant: string; category: string; current_balance: number; balance_after: number;
  savings_rate_before: number; savings_rate_after: number; health_score_before: number; health_score_after: number;
  forecast_30d_before: number; forecast_30d_after: number; months_of_expenses_after: number; verdict: string; affordable: boolean; summary: string; explanation: string;
}
export interface Me { user_id: string; email: string; name: string; financial_personality: string }
export interface CardView { id: string; account_id: string; last4: string; type: string; status: string }
export interface Cards { cards: CardView[] }
export interface Payee { id: string; name: string; account_number: string; bank_code: string }
export interface Payees { payees: Payee[] }
export interface TransferResult { transfer: { id: string; amount: number; currency: string }; balances: { account_id: string; name: string; balance: number; currency: string }[] }
export interface Dispute { id: string; reference: string; transaction_id: string; status: string; reason: string; created_at: string }
export interface Disputes { disputes: Dispute[] }
export interface Ticket { id: string; reference: string | null; subject: string; priority: string; status: string; created_at: string }
export interface Tickets { tickets: Ticket[] }
