/**
 * Word lists for realistic chat names, members and message text. Names are spread across the
 * countries Periskope customers phone from (India, UK, Brazil, Indonesia, Nigeria, Gulf, US), and
 * include non-ASCII spellings so search and JSON handling meet more than plain ASCII.
 */
export const FIRST_NAMES = [
  "Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Sneha", "Arjun", "Kavya", "Rahul", "Meera",
  "Dana", "Oliver", "Amelia", "Harry", "Isla", "George", "Sophie", "Liam", "Emma", "Noah",
  "João", "Beatriz", "Lucas", "Mariana", "Rafael", "Camila", "Budi", "Siti", "Agus", "Dewi",
  "Chinedu", "Ngozi", "Emeka", "Aisha", "Tunde", "Fatima", "Omar", "Layla", "Yusuf", "Noor",
  "José", "Zoë", "Renée", "Søren", "Chloé", "Mateo", "Valentina", "Hannah", "Ethan", "Grace",
] as const;

export const LAST_NAMES = [
  "Sharma", "Patel", "Iyer", "Reddy", "Khan", "Gupta", "Nair", "Menon", "Das", "Kapoor",
  "Reyes", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Walker", "Hughes",
  "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Santoso", "Wijaya", "Hidayat", "Okafor", "Adeyemi",
  "Balogun", "Eze", "Al Mansouri", "Haddad", "Rahman", "Nguyen", "García", "Müller", "Østergaard", "O'Brien",
] as const;

export const COMPANIES = [
  "Acme", "Northwind", "Globex", "Initech", "Umbrella", "Stark Logistics", "Wayne Freight", "Hooli",
  "Vandelay Imports", "Soylent", "Tyrell", "Cyberdyne", "Wonka Foods", "Pied Piper", "Dunder Mifflin",
  "Blue Sky Textiles", "Lakshmi Traders", "Sahara Exports", "Banyan Health", "Kopi Nusantara",
] as const;

export const TEAMS = [
  "Ops", "Support", "Sales", "Logistics", "Dispatch", "Onboarding", "Finance", "Escalations",
  "Procurement", "Customer Success", "Delivery", "Warehouse", "Partnerships", "QA",
] as const;

export const CITIES = [
  "Mumbai", "Bengaluru", "Delhi", "London", "Manchester", "São Paulo", "Jakarta", "Lagos", "Dubai",
  "Singapore", "Nairobi", "Chennai", "Pune", "Lisbon", "Berlin",
] as const;

export const PROJECTS = [
  "Q3 Launch", "Diwali Campaign", "Monsoon Restock", "Fleet Upgrade", "Website Revamp",
  "Holiday Rush", "Vendor Audit", "New Store Opening", "Payroll Migration", "Ramadan Offers",
] as const;

export const BUSINESS_SUFFIXES = ["Pvt Ltd", "Ltd", "LLC", "Tbk", "& Sons", "Enterprises", "Store"] as const;

/** Country codes with the length of a national number, for plausible `<digits>@c.us` ids. */
export const COUNTRY_CODES = ["91", "44", "55", "62", "234", "971", "1", "65", "49", "254"] as const;
