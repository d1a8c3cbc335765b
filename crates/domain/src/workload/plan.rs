//! The allocation hub's batch plan: rounds of min-cost matching under a rising water level,
//! local improvement, and greedy allocation as the yardstick it is never worse than.

use super::*;

/// A waiting case in a batch plan, with the workers who could take it and how well each fits
/// (the suggestion score).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanCase {
    pub weight: Points,
    pub priority: i64,
    pub fits: Vec<(usize, i64)>,
}

/// A worker in a batch plan: their load, capacity and case cap now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanWorker {
    pub load: Points,
    pub capacity: Points,
    pub open_cases: i64,
    pub case_cap: Option<i64>,
}

/// A plan: for each case, the worker it goes to, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub assigned: Vec<Option<usize>>,
}

/// What a plan achieves: how many cases it allocates (and their summed priority), the overload
/// after it (points above the amber line, summed over everyone), how even it leaves load (points
/// above the green line, summed) and how many it pushes above amber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PlanMeasures {
    pub allocated: usize,
    pub priority: i64,
    pub overload: Points,
    pub above_green: Points,
    pub above_amber: usize,
}

/// The most a worker may carry in this plan.
fn limit(settings: &WorkloadSettings, w: &PlanWorker, allow_above_amber: bool) -> Points {
    if allow_above_amber { Points(w.capacity.0 * settings.high_red_from / 100) } else { settings.amber_line(w.capacity) }
}

fn fits(settings: &WorkloadSettings, w: &PlanWorker, load: Points, cases: i64, weight: Points, allow: bool) -> bool {
    load + weight <= limit(settings, w, allow) && w.case_cap.is_none_or(|cap| cases < cap)
}

/// Measures a plan against the workers' loads before it.
pub fn measure(settings: &WorkloadSettings, cases: &[PlanCase], workers: &[PlanWorker], plan: &Plan) -> PlanMeasures {
    let mut loads: Vec<Points> = workers.iter().map(|w| w.load).collect();
    let mut m = PlanMeasures { allocated: 0, priority: 0, overload: Points(0), above_green: Points(0), above_amber: 0 };
    for (i, a) in plan.assigned.iter().enumerate() {
        if let Some(j) = a {
            loads[*j] = loads[*j] + cases[i].weight;
            m.allocated += 1;
            m.priority += cases[i].priority;
        }
    }
    for (w, l) in workers.iter().zip(&loads) {
        m.overload = m.overload + Points((l.0 - settings.amber_line(w.capacity).0).max(0));
        m.above_green = m.above_green + Points((l.0 - settings.green_line(w.capacity).0).max(0));
        if *l > settings.amber_line(w.capacity) && *l > w.load {
            m.above_amber += 1;
        }
    }
    m
}

/// Greedy allocation, the yardstick: highest priority first, each to the fitting worker with the
/// most headroom.
pub fn greedy(settings: &WorkloadSettings, cases: &[PlanCase], workers: &[PlanWorker], allow_above_amber: bool) -> Plan {
    let mut loads: Vec<Points> = workers.iter().map(|w| w.load).collect();
    let mut counts: Vec<i64> = workers.iter().map(|w| w.open_cases).collect();
    let mut order: Vec<usize> = (0..cases.len()).collect();
    order.sort_by_key(|i| (-cases[*i].priority, *i));
    let mut assigned = vec![None; cases.len()];
    for i in order {
        let best = cases[i]
            .fits
            .iter()
            .map(|(j, _)| *j)
            .filter(|j| fits(settings, &workers[*j], loads[*j], counts[*j], cases[i].weight, allow_above_amber))
            .max_by_key(|j| (limit(settings, &workers[*j], allow_above_amber) - loads[*j], std::cmp::Reverse(*j)));
        if let Some(j) = best {
            loads[j] = loads[j] + cases[i].weight;
            counts[j] += 1;
            assigned[i] = Some(j);
        }
    }
    Plan { assigned }
}

/// The batch plan. Rounds of optimal assignment: in each round every worker takes at most one
/// case, chosen by a min-cost flow that maximises the priority allocated and, within that,
/// keeps load below the green line and fits the best-suited workers, using loads as they stand
/// after the earlier rounds, so a worker's capacity is honoured exactly. Rounds repeat until no
/// waiting case fits anyone, once under a rising water level and once straight to the limit
/// (see `Filling`), each then improved locally. Team by team, the plan takes whichever of those
/// two and greedy allocation allocates the most priority (then leaves load most even) while no
/// worse than greedy on cases allocated, priority allocated or overload above amber; so it is
/// never worse than greedy on any of them. Nobody is pushed above amber unless allowed.
pub fn plan(settings: &WorkloadSettings, cases: &[PlanCase], workers: &[PlanWorker], allow_above_amber: bool) -> Plan {
    let plans = [
        improve(settings, cases, workers, flow_plan(settings, cases, workers, allow_above_amber, Filling::Level), allow_above_amber),
        improve(settings, cases, workers, flow_plan(settings, cases, workers, allow_above_amber, Filling::Open), allow_above_amber),
        greedy(settings, cases, workers, allow_above_amber),
    ];
    // Teams are independent of each other, so the choice is made part by part: the plan with
    // the most priority allocated (then the least load above green) among those no worse than
    // greedy (the last) on cases allocated, priority allocated and overload above amber.
    // Greedy itself always qualifies.
    let part = parts(cases, workers.len());
    let mut scores: Vec<std::collections::HashMap<usize, (i64, i64, i64, i64)>> = vec![];
    for p in &plans {
        let mut score: std::collections::HashMap<usize, (i64, i64, Vec<usize>)> = std::collections::HashMap::new();
        let mut loads: Vec<Points> = workers.iter().map(|w| w.load).collect();
        for (i, a) in p.assigned.iter().enumerate() {
            let e = score.entry(part[i]).or_default();
            if let Some(j) = a {
                e.0 += 1;
                e.1 += cases[i].priority;
                e.2.push(*j);
                loads[*j] = loads[*j] + cases[i].weight;
            }
        }
        scores.push(
            score
                .into_iter()
                .map(|(id, (n, priority, mut js))| {
                    js.sort_unstable();
                    js.dedup();
                    let added = |line: &dyn Fn(usize) -> i64| -> i64 { js.iter().map(|j| (loads[*j].0 - line(*j)).max(0) - (workers[*j].load.0 - line(*j)).max(0)).sum() };
                    let amber = added(&|j| settings.amber_line(workers[j].capacity).0);
                    let green = added(&|j| settings.green_line(workers[j].capacity).0);
                    (id, (n, priority, amber, green))
                })
                .collect(),
        );
    }
    let greedy_at = plans.len() - 1;
    let mut best: std::collections::HashMap<usize, (usize, (i64, i64, i64, i64))> = std::collections::HashMap::new();
    for id in part.iter().copied() {
        if best.contains_key(&id) {
            continue;
        }
        let yard = scores[greedy_at].get(&id).copied().unwrap_or((0, 0, 0, 0));
        let pick = (0..plans.len())
            .map(|k| (k, scores[k].get(&id).copied().unwrap_or((0, 0, 0, 0))))
            .filter(|(_, (n, p, o, _))| *n >= yard.0 && *p >= yard.1 && *o <= yard.2)
            .max_by_key(|(k, (n, p, _, g))| (*p, *n, -*g, std::cmp::Reverse(*k)))
            .unwrap_or((greedy_at, yard));
        best.insert(id, pick);
    }
    Plan { assigned: (0..cases.len()).map(|i| best.get(&part[i]).and_then(|(k, _)| plans[*k].assigned[i])).collect() }
}

/// Local improvement of a plan: each waiting case (most urgent first) goes in where it fits, or
/// where it fits once one planned case there moves to another worker it fits; then planned
/// cases move between workers wherever that lowers the load above the green line.
pub fn improve(settings: &WorkloadSettings, cases: &[PlanCase], workers: &[PlanWorker], mut plan: Plan, allow: bool) -> Plan {
    let mut loads: Vec<Points> = workers.iter().map(|w| w.load).collect();
    let mut counts: Vec<i64> = workers.iter().map(|w| w.open_cases).collect();
    let mut on: Vec<Vec<usize>> = vec![vec![]; workers.len()];
    for (i, a) in plan.assigned.iter().enumerate() {
        if let Some(j) = a {
            loads[*j] = loads[*j] + cases[i].weight;
            counts[*j] += 1;
            on[*j].push(i);
        }
    }
    let over = |j: usize, load: Points| (load.0 - settings.green_line(workers[j].capacity).0).max(0);
    let mut order: Vec<usize> = (0..cases.len()).collect();
    order.sort_by_key(|i| (-cases[*i].priority, *i));
    for _ in 0..3 {
        let mut changed = false;
        for &i in &order {
            if plan.assigned[i].is_some() {
                continue;
            }
            let w = cases[i].weight;
            'place: for &(j, _) in &cases[i].fits {
                if fits(settings, &workers[j], loads[j], counts[j], w, allow) {
                    plan.assigned[i] = Some(j);
                    loads[j] = loads[j] + w;
                    counts[j] += 1;
                    on[j].push(i);
                    changed = true;
                    break;
                }
                // Make room: move one of j's planned cases to someone else it fits.
                for pos in 0..on[j].len() {
                    let moved = on[j][pos];
                    let mw = cases[moved].weight;
                    if !fits(settings, &workers[j], loads[j] - mw, counts[j] - 1, w, allow) {
                        continue;
                    }
                    if let Some(&(k, _)) = cases[moved].fits.iter().find(|(k, _)| *k != j && fits(settings, &workers[*k], loads[*k], counts[*k], mw, allow)) {
                        on[j].swap_remove(pos);
                        on[k].push(moved);
                        plan.assigned[moved] = Some(k);
                        loads[k] = loads[k] + mw;
                        counts[k] += 1;
                        loads[j] = loads[j] - mw + w;
                        on[j].push(i);
                        plan.assigned[i] = Some(j);
                        changed = true;
                        break 'place;
                    }
                }
            }
        }
        // Even out: move a planned case wherever that lowers the load above green.
        for &i in &order {
            let Some(j) = plan.assigned[i] else { continue };
            let w = cases[i].weight;
            let now = over(j, loads[j]);
            if now == 0 {
                continue;
            }
            let best = cases[i]
                .fits
                .iter()
                .filter(|(k, _)| *k != j && fits(settings, &workers[*k], loads[*k], counts[*k], w, allow))
                .map(|(k, _)| (now + over(*k, loads[*k]) - over(j, loads[j] - w) - over(*k, loads[*k] + w), *k))
                .filter(|(gain, _)| *gain > 0)
                .max();
            if let Some((_, k)) = best {
                on[j].retain(|x| *x != i);
                on[k].push(i);
                plan.assigned[i] = Some(k);
                loads[j] = loads[j] - w;
                counts[j] -= 1;
                loads[k] = loads[k] + w;
                counts[k] += 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    plan
}

/// Which independent part of the problem each case is in: cases joined through workers they
/// could both go to.
fn parts(cases: &[PlanCase], workers: usize) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..cases.len() + workers).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (i, c) in cases.iter().enumerate() {
        for (j, _) in &c.fits {
            let (a, b) = (find(&mut parent, i), find(&mut parent, cases.len() + j));
            if a != b {
                parent[a] = b;
            }
        }
    }
    (0..cases.len()).map(|i| find(&mut parent, i)).collect()
}

/// How the rounds of assignment let load rise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filling {
    /// Water-filling: nobody passes a level that rises 5% of capacity at a time, so the least
    /// loaded take cases first and load ends even. Best on overload.
    Level,
    /// Straight to the limit: best when big cases need the room that even filling would spend.
    Open,
}

/// Rounds of min-cost assignment alone, without the comparison: for the benchmark, which
/// reports which plan wins.
pub fn flow_plan(settings: &WorkloadSettings, cases: &[PlanCase], workers: &[PlanWorker], allow_above_amber: bool, filling: Filling) -> Plan {
    let mut loads: Vec<Points> = workers.iter().map(|w| w.load).collect();
    let mut counts: Vec<i64> = workers.iter().map(|w| w.open_cases).collect();
    let mut assigned: Vec<Option<usize>> = vec![None; cases.len()];
    // Water-filling: the level, in percent of capacity, that nobody may pass yet rises in steps
    // to the limit, so the least loaded take cases first and load ends as even as it can.
    let top = if allow_above_amber { settings.high_red_from } else { settings.high_amber_from };
    let mut levels: Vec<i64> = if filling == Filling::Level { (1..).map(|k| k * 5).take_while(|l| *l < top).collect() } else { vec![] };
    levels.push(top);
    for level in levels {
        loop {
            let mut edges = Vec::new();
            for (i, c) in cases.iter().enumerate().filter(|(i, _)| assigned[*i].is_none()) {
                for (j, suit) in &c.fits {
                    let w = &workers[*j];
                    let after = loads[*j] + c.weight;
                    if !fits(settings, w, loads[*j], counts[*j], c.weight, allow_above_amber) || after.0 * 100 > level * w.capacity.0 {
                        continue;
                    }
                    let green = settings.green_line(w.capacity).0;
                    let over = (after.0 - green).max(0) - (loads[*j].0 - green).max(0);
                    // Priority dominates; overload added next; suitability breaks ties.
                    let cost = -c.priority * 1_000_000 + over * 10 - suit.clamp(&-500, &500);
                    edges.push((i, *j, cost));
                }
            }
            let matched = if edges.is_empty() { vec![] } else { flow::min_cost_matching(cases.len(), workers.len(), &edges) };
            if matched.is_empty() {
                break;
            }
            for (i, j) in matched {
                assigned[i] = Some(j);
                loads[j] = loads[j] + cases[i].weight;
                counts[j] += 1;
            }
        }
    }
    Plan { assigned }
}

mod flow {
    //! Min-cost bipartite matching by successive shortest paths, on each connected part of the
    //! graph separately (a team's cases only reach that team's workers, so parts are small).

    /// Edges are (left, right, cost); returns the matched pairs with the least total cost,
    /// taking only matchings that lower it (every useful edge is negative).
    pub fn min_cost_matching(lefts: usize, rights: usize, edges: &[(usize, usize, i64)]) -> Vec<(usize, usize)> {
        // Union-find over left and right nodes to split the graph into its parts.
        let mut parent: Vec<usize> = (0..lefts + rights).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for &(l, r, _) in edges {
            let (a, b) = (find(&mut parent, l), find(&mut parent, lefts + r));
            if a != b {
                parent[a] = b;
            }
        }
        let mut parts: std::collections::HashMap<usize, Vec<(usize, usize, i64)>> = std::collections::HashMap::new();
        for &(l, r, c) in edges {
            let root = find(&mut parent, l);
            parts.entry(root).or_default().push((l, r, c));
        }
        let mut roots: Vec<usize> = parts.keys().copied().collect();
        roots.sort_unstable();
        let mut out = Vec::new();
        for root in roots {
            out.extend(part(&parts[&root]));
        }
        out
    }

    /// One part: nodes are renumbered densely, then paths of negative cost are augmented from a
    /// source to a sink (Bellman-Ford, as residual costs may be negative) until none is left.
    fn part(edges: &[(usize, usize, i64)]) -> Vec<(usize, usize)> {
        let mut ls: Vec<usize> = edges.iter().map(|e| e.0).collect();
        let mut rs: Vec<usize> = edges.iter().map(|e| e.1).collect();
        ls.sort_unstable();
        ls.dedup();
        rs.sort_unstable();
        rs.dedup();
        let (nl, nr) = (ls.len(), rs.len());
        let (source, sink) = (nl + nr, nl + nr + 1);
        let n = nl + nr + 2;
        // Arcs: (to, capacity, cost); arc k's reverse is k ^ 1.
        let mut to = Vec::new();
        let mut cap = Vec::new();
        let mut cost = Vec::new();
        let mut adj: Vec<Vec<usize>> = vec![vec![]; n];
        let mut arc = |a: usize, b: usize, c: i64, to: &mut Vec<usize>, cap: &mut Vec<i64>, cost: &mut Vec<i64>| {
            adj[a].push(to.len());
            to.push(b);
            cap.push(1);
            cost.push(c);
            adj[b].push(to.len());
            to.push(a);
            cap.push(0);
            cost.push(-c);
        };
        for i in 0..nl {
            arc(source, i, 0, &mut to, &mut cap, &mut cost);
        }
        for j in 0..nr {
            arc(nl + j, sink, 0, &mut to, &mut cap, &mut cost);
        }
        let first_pair = to.len();
        for &(l, r, c) in edges {
            let (li, ri) = (ls.binary_search(&l).expect("a left"), rs.binary_search(&r).expect("a right"));
            arc(li, nl + ri, c, &mut to, &mut cap, &mut cost);
        }
        loop {
            let mut dist = vec![i64::MAX; n];
            let mut via = vec![usize::MAX; n];
            dist[source] = 0;
            // Bellman-Ford with early exit; the residual graph has no negative cycles because
            // each augmentation follows a shortest path.
            for _ in 0..n {
                let mut changed = false;
                for u in 0..n {
                    if dist[u] == i64::MAX {
                        continue;
                    }
                    for &k in &adj[u] {
                        if cap[k] > 0 && dist[u] + cost[k] < dist[to[k]] {
                            dist[to[k]] = dist[u] + cost[k];
                            via[to[k]] = k;
                            changed = true;
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            if dist[sink] == i64::MAX || dist[sink] >= 0 {
                break;
            }
            let mut v = sink;
            while v != source {
                let k = via[v];
                cap[k] -= 1;
                cap[k ^ 1] += 1;
                v = to[k ^ 1];
            }
        }
        let mut out = Vec::new();
        for (e, &(l, r, _)) in edges.iter().enumerate() {
            if cap[first_pair + 2 * e] == 0 {
                out.push((l, r));
            }
        }
        out
    }
}
