package io.joblane.scaler.cloud;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a scale-up of a node group over several Auto Scaling groups is split among them: the new nodes waiting pods
 * need in a zone go to the members in that zone, the others to every member, each node to the member with the
 * smallest desired size that is below its maximum (first listed on a tie), as cluster-autoscaler's
 * {@code --balance-similar-node-groups} balances similar node groups
 * (<a href="https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/processors/nodegroupset/balancing_processor.go">BalanceScaleUpBetweenGroups</a>).
 * Every member of one Joblane group is similar by construction: the file lists them for one group. Pure.
 */
public final class AsgSplit {

    /** One member Auto Scaling group as last described. */
    public record Member(String id, int desired, int max, List<String> zones) {
        public Member {
            zones = List.copyOf(zones);
        }
    }

    private AsgSplit() {}

    /**
     * The new desired size of each member after adding {@code increase} nodes; members left unchanged are absent.
     * Nodes no member has room for (every one at its maximum) are dropped, as cluster-autoscaler caps them, and so
     * are nodes for a zone whose members are all at their maximum.
     */
    public static Map<String, Integer> raise(List<Member> members, int increase, Map<String, Integer> newNodesByZone) {
        int[] desired = new int[members.size()];
        for (int i = 0; i < desired.length; i++) {
            desired[i] = members.get(i).desired();
        }
        int left = increase;
        for (Map.Entry<String, Integer> want : newNodesByZone.entrySet()) {
            List<Integer> inZone = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
                if (members.get(i).zones().contains(want.getKey())) {
                    inZone.add(i);
                }
            }
            int wanted = Math.min(left, want.getValue());
            addBalanced(members, desired, inZone, wanted);
            left -= wanted; // never bought in another zone, where the pods cannot run
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            all.add(i);
        }
        addBalanced(members, desired, all, left);
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            if (desired[i] != members.get(i).desired()) {
                out.put(members.get(i).id(), desired[i]);
            }
        }
        return out;
    }

    /** Adds up to {@code n} nodes one by one to the smallest of {@code among} with room; returns how many were added. */
    private static int addBalanced(List<Member> members, int[] desired, List<Integer> among, int n) {
        int added = 0;
        while (added < n) {
            int best = -1;
            for (int i : among) {
                if (desired[i] < members.get(i).max() && (best < 0 || desired[i] < desired[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                return added;
            }
            desired[best]++;
            added++;
        }
        return added;
    }
}
